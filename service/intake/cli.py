"""Operator commands for the intake: thin wrappers over the use cases."""

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load the demo county (濉溪县), its staff accounts and sample applications; safe to run twice."""
    from service.intake.demo import seed_demo

    if current_app.config["SERVICE_ENV"] == "production":
        raise click.ClickException("seed-demo refuses to run in production mode")
    result = seed_demo()
    click.echo(f"demo county {result['county']}: {result['townships']} townships, "
               f"{result['applications_created']} applications created")
