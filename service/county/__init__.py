"""Onboarding and administration of a county: the county itself, its divisions (townships and villages),
staff accounts and county settings. Every change is audited with what it was before and after."""

from flask import Flask


def init_app(app: Flask) -> None:
    pass
