"""`flask --app service wechat ...`: the local fake API, the terminal chat, the menu, housekeeping."""

import os
import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

wechat_cli = AppGroup("wechat", help="WeChat official account: fake API, terminal chat, menu.")


@wechat_cli.command("fake-api")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8801, type=int)
@with_appcontext
def fake_api(host: str, port: int):
    """Run the local fake of the WeChat API with this service's appid and secret."""
    from service.wechat.fake_api import main

    main(["--host", host, "--port", str(port), "--appid", current_app.config["WECHAT_APPID"],
          "--secret", current_app.config["WECHAT_SECRET"],
          # the token the database keeps stays valid when `make run` restarts this fake
          "--token-file", os.path.join(current_app.instance_path, "fake_wechat_tokens.json")])


@wechat_cli.command("chat")
@click.option("--url", default="http://127.0.0.1:5000/wechat", show_default=True)
@click.option("--openid", default="o_demo_resident_0001", show_default=True, help="who you are playing")
@click.option("--encrypt", is_flag=True, help="send safe-mode (AES) callbacks; needs WECHAT_AES_KEY")
@with_appcontext
def chat(url: str, openid: str, encrypt: bool):
    """Talk to a running service as a resident would: type a message, see the official account's reply."""
    from service.wechat.crypto import MessageCrypto
    from service.wechat.simulator import Simulator

    config = current_app.config
    crypto = None
    if encrypt:
        if not config["WECHAT_AES_KEY"]:
            raise click.ClickException("--encrypt needs WECHAT_AES_KEY (the same one the service runs with)")
        crypto = MessageCrypto(config["WECHAT_TOKEN"], config["WECHAT_AES_KEY"], config["WECHAT_APPID"])
    sim = Simulator(url, config["WECHAT_TOKEN"], openid, crypto)
    click.echo("你在扮演微信用户。输入消息回车发送；/image 发图片，/voice 文字 发语音，/location 纬度 经度，"
               "/subscribe 关注，/menu PROGRESS 点菜单；Ctrl-D 退出。")
    interactive = sys.stdin.isatty()
    for line in sys.stdin if not interactive else iter(lambda: input("我> "), None):
        line = line.strip()
        if not line:
            continue
        if not interactive:
            click.echo(f"我> {line}")
        try:
            reply = sim.send(line)
        except Exception as exc:  # noqa: BLE001  (a terminal tool reports and goes on)
            click.echo(f"[发送失败: {type(exc).__name__}: {exc}]")
            continue
        click.echo(f"公众号> {reply or '(无回复)'}\n")




@wechat_cli.group("menu")
def menu():
    """The custom menu, kept as data in service/wechat/data/menu.json."""


@menu.command("push")
@with_appcontext
def menu_push():
    """Send the county's custom menu (admin page 微信菜单, else service/wechat/data/menu.json) to WeChat."""
    from service.county.services import county_by_code, push_menu
    from service.errors import DomainError
    from service.notify.adapters import adapters
    from service.wechat.api_client import WeChatAPIError

    # the shared token: fetching one here would invalidate the workers' token within minutes
    client = adapters(current_app).wechat()
    try:
        data = push_menu(county_by_code(current_app.config["COUNTY_CODE"]).id, client)
    except WeChatAPIError as exc:
        raise click.ClickException(f"WeChat refused the menu: {exc}") from None
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    names = [b["name"] for b in data["button"]] + [s["name"] for b in data["button"] for s in b.get("sub_button", [])]
    click.echo(f"menu pushed: {', '.join(names)}")


@wechat_cli.command("purge-dedupe")
@with_appcontext
def purge_dedupe():
    """Drop delivered-message keys older than two days and ended guessing/log-in windows, and empty chat
    forms idle over 24 hours (the notification worker does both every scan)."""
    from service.intake.models import utcnow
    from service.wechat.retention import sweep

    keys, forms = sweep(utcnow())
    click.echo(f"removed {keys} old keys, emptied {forms} lapsed forms")
