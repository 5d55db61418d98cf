"""Onboarding and administration of a county: the county itself, its divisions (townships and villages),
staff accounts and county settings. Every change is audited with what it was before and after."""

from flask import Flask


def init_app(app: Flask) -> None:
    from service.county.cli import county_cli, divisions_cli, staff_cli
    from service.county.menu_cli import wechat_cli

    for group in (county_cli, divisions_cli, staff_cli, wechat_cli):
        app.cli.add_command(group)
