"""`flask --app service county|divisions|staff …`: onboarding a county from the shell. Thin click wrappers
over service.county's use cases; every change they make is audited as done from the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from service.auth.models import ROLES
from service.errors import DomainError

county_cli = AppGroup("county", help="The county this service runs for.")
divisions_cli = AppGroup("divisions", help="Townships and villages (national statistical division codes).")
staff_cli = AppGroup("staff", help="Staff accounts: add, disable, enable, reset-password, list.")

county_option = click.option("--county", "county_code", default=None, metavar="CODE",
                             help="County code (default: COUNTY_CODE, the county this service runs for).")


def _fail(exc: DomainError) -> click.ClickException:
    lines = [exc.message]
    for field, messages in (exc.fields or {}).items():
        lines.extend(f"  {field}: {m}" for m in (messages if isinstance(messages, list) else [messages]))
    return click.ClickException("\n".join(lines))


def _county_id(county_code: str | None) -> int:
    from service.county.services import county_by_code

    return county_by_code(county_code or current_app.config["COUNTY_CODE"]).id


@county_cli.command("init")
@click.option("--code", required=True, help="6-digit GB/T 2260 county code, e.g. 340621.")
@click.option("--name", required=True, help="The county's name, e.g. 濉溪县.")
def county_init(code: str, name: str):
    """Set up the county (running it again only renames it)."""
    from service.county.services import init_county

    try:
        result = init_county(code, name)
    except DomainError as exc:
        raise _fail(exc) from None
    state = "created" if result["created"] else ("renamed" if result["changed"] else "already set up")
    click.echo(f"county {result['code']} {result['name']}: {state}")
    if current_app.config["COUNTY_CODE"] != result["code"]:
        click.echo(f"note: COUNTY_CODE is {current_app.config['COUNTY_CODE']}; set COUNTY_CODE={result['code']} in "
                   "the service's environment so WeChat applications and these commands use this county", err=True)


@divisions_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@county_option
def divisions_import(file: Path, county_code: str | None):
    """Import townships and villages from FILE.csv (columns code,name and optional lat,lng; UTF-8).

    9-digit codes are townships, 12-digit codes villages under the township of their first 9 digits.
    Re-importing renames and re-positions known places and adds new ones; nothing is deleted. If any row
    is wrong, every problem is listed with its line number and nothing is written.
    """
    from service.county.divisions import DivisionsRefused, import_divisions
    from service.county.services import county_by_code

    try:
        code = county_by_code(county_code or current_app.config["COUNTY_CODE"]).code
        result = import_divisions(code, file.read_bytes())
    except DivisionsRefused as exc:
        for line, text in exc.problems:
            click.echo(f"{file.name}:{line}: {text}" if line else f"{file.name}: {text}", err=True)
        raise click.ClickException(f"{len(exc.problems)} problem(s) in {file.name}; nothing was imported") from None
    except DomainError as exc:
        raise _fail(exc) from None
    for note in result["notes"]:
        click.echo(f"note: {note}", err=True)
    click.echo(f"imported {file.name}: {result['townships_added']} townships and {result['villages_added']} villages "
               f"added, {result['renamed']} renamed, {result['moved']} re-positioned, {result['unchanged']} unchanged")


@staff_cli.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES), help="window needs --township; others must not.")
@click.option("--name", "display_name", required=True, help="The person's name, e.g. 王芳.")
@click.option("--township", default=None, help="Township name or 9-digit code (window accounts only).")
@county_option
def staff_add(username: str, role: str, display_name: str, township: str | None, county_code: str | None):
    """Add a staff account and print its one-time password (shown this once)."""
    from service.county.staff import add_staff

    try:
        result = add_staff(_county_id(county_code), username, role, display_name, township)
    except DomainError as exc:
        raise _fail(exc) from None
    where = f", {result['township']}" if result["township"] else ""
    click.echo(f"added {result['username']} ({result['display_name']}, {result['role']}{where})")
    click.echo(f"one-time password: {result['one_time_password']}")
    click.echo("give it to the person privately; they must set their own password at first log-in")


@staff_cli.command("disable")
@click.argument("username")
@county_option
def staff_disable(username: str, county_code: str | None):
    """Stop an account: it cannot log in, its sessions and API tokens end."""
    from service.county.staff import disable_staff

    _switch(disable_staff, username, county_code, "disabled")


@staff_cli.command("enable")
@click.argument("username")
@county_option
def staff_enable(username: str, county_code: str | None):
    """Let a disabled account log in again (with the password it had)."""
    from service.county.staff import enable_staff

    _switch(enable_staff, username, county_code, "enabled")


def _switch(use_case, username: str, county_code: str | None, done: str) -> None:
    try:
        use_case(_county_id(county_code), username)
    except DomainError as exc:
        raise _fail(exc) from None
    click.echo(f"{username}: {done}")


@staff_cli.command("reset-password")
@click.argument("username")
@county_option
def staff_reset_password(username: str, county_code: str | None):
    """Give an account a new one-time password (it must change it again); ends its sessions and tokens."""
    from service.county.staff import reset_password

    try:
        result = reset_password(_county_id(county_code), username)
    except DomainError as exc:
        raise _fail(exc) from None
    click.echo(f"{username}: password reset, {result['tokens_revoked']} API token(s) revoked, account unlocked")
    click.echo(f"one-time password: {result['one_time_password']}")


@staff_cli.command("list")
@county_option
def staff_list(county_code: str | None):
    """Every account of the county: role, township, state, last log-in."""
    from service.clock import to_beijing
    from service.county.staff import list_staff

    try:
        rows = list_staff(_county_id(county_code))
    except DomainError as exc:
        raise _fail(exc) from None
    for row in rows:
        state = "active" if row["active"] else "disabled"
        if row["must_change_password"]:
            state += ", must change password"
        if row["locked"]:
            state += ", locked"
        seen = row["last_login_at"]
        seen = to_beijing(dt.datetime.fromisoformat(seen[:-1])).strftime("%Y-%m-%d %H:%M") if seen else "never"
        click.echo(f"{row['username']:<16} {row['role']:<8} {row['display_name']:<8} {row['township'] or '-':<8} "
                   f"{state:<32} last log-in: {seen}")
