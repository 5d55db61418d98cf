"""Development commands, reaching `flask` through the `flask.commands` entry points (pyproject.toml), so
the application never imports them: `flask seed-demo`, `flask dev fake-api`, `flask dev chat`."""

import os
import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

dev_cli = AppGroup("dev", help="Development tools: the local fake WeChat API, the terminal chat.")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load the demo county (濉溪县), its staff accounts and sample applications; safe to run twice."""
    from service.devtools.demo import seed_demo, seed_standards

    if current_app.config["SERVICE_ENV"] == "production":
        raise click.ClickException("seed-demo refuses to run in production mode")
    result = seed_demo()
    if seed_standards():
        click.echo("demo 低保 standard: rural 439 元/月 from 2026-01-01")
    click.echo(f"demo county {result['county']}: {result['townships']} townships, "
               f"{result['applications_created']} applications created")


@dev_cli.command("fake-api")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8801, type=int)
@with_appcontext
def fake_api(host: str, port: int):
    """Run the local fake of the WeChat API with this service's appid and secret."""
    from service.devtools.fake_api import main

    main(["--host", host, "--port", str(port), "--appid", current_app.config["WECHAT_APPID"],
          "--secret", current_app.config["WECHAT_SECRET"],
          # the token the database keeps stays valid when `make run` restarts this fake
          "--token-file", os.path.join(current_app.instance_path, "fake_wechat_tokens.json")])


@dev_cli.command("chat")
@click.option("--url", default="http://127.0.0.1:5000/wechat", show_default=True)
@click.option("--openid", default="o_demo_resident_0001", show_default=True, help="who you are playing")
@click.option("--encrypt", is_flag=True, help="send safe-mode (AES) callbacks; needs WECHAT_AES_KEY")
@with_appcontext
def chat(url: str, openid: str, encrypt: bool):
    """Talk to a running service as a resident would: type a message, see the official account's reply."""
    from service.devtools.simulator import Simulator
    from service.wechat.crypto import MessageCrypto

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
