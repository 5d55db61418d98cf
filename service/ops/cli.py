"""`flask --app service doctor`, registered as a Flask plugin command (pyproject entry point) so that it
runs even when create_app would refuse the environment: naming what is wrong with it is its job."""

import os
from pathlib import Path

import click


@click.command("doctor")
def doctor_command():
    """Check everything production needs; exit 1 listing every problem with what to do about it."""
    from service.ops.doctor import report, run_checks

    instance = str(Path(__file__).resolve().parents[2] / "instance")  # create_app's instance folder
    click.echo(f"doctor: checking this environment (SERVICE_ENV={os.environ.get('SERVICE_ENV', 'development')})")
    text, healthy = report(run_checks(dict(os.environ), instance))
    click.echo(text)
    if not healthy:
        raise SystemExit(1)
