"""Packaged defaults with a county's overrides laid over them, and {placeholder} text: the one mechanism
behind the notice wording (service.notify.wording) and the procedure definitions (service.intake.procedures).

Pure: no Flask, no database.
"""

from __future__ import annotations

import copy
import re

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def merge(base: dict, extra: dict, *, whole: tuple[str, ...] = ()) -> dict:
    """`extra` laid over `base` key by key (base is changed and returned); keys in `whole`, and lists,
    replace the default whole because they belong together (a field mapping, a step list)."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict) and key not in whole:
            base[key] = merge(base[key], value, whole=whole)
        else:
            base[key] = copy.deepcopy(value)
    return base


def render(template: str, context: dict) -> str:
    """Fill {name} placeholders; unknown names render empty. No format specs, no attribute access."""
    return _PLACEHOLDER.sub(lambda m: _text(context.get(m.group(1), "")), template or "")


def placeholders(template: str) -> list[str]:
    return _PLACEHOLDER.findall(template or "")


def _text(value) -> str:
    return "" if value is None else str(value)
