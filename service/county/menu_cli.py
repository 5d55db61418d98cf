"""`flask --app service wechat menu push`: the county's custom menu sent to its official account. A county
setting pushed through the API client, so it lives with the county's administration, not the protocol."""

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

wechat_cli = AppGroup("wechat", help="WeChat official account: the custom menu.")


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
