"""Bounds on a request before anything parses or stores it: JSON nesting depth (Python's parser recurses
once per level: 200,000 brackets are a RecursionError, a 500), characters no database column takes (NUL,
lone surrogates), and integers past PostgreSQL's 4-byte integer in any path or schema."""

import json
import re
from itertools import accumulate

from flask import Flask, request
from marshmallow import fields, validate
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

MAX_JSON_DEPTH = 32  # our deepest real body is two levels; generous for integrations
INT4_MAX = 2**31 - 1  # PostgreSQL's integer: ids, counts, versions
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"')
_OTHER_BYTES = bytes(b for b in range(256) if b not in b"[]{}")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # PostgreSQL text refuses NUL; UTF-8 has no lone surrogates


class BoundedInt(IntegerConverter):
    """<int:…> in every route: a number past PostgreSQL's integer matches no route (404), never a 500."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT4_MAX, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def bounded_int(value) -> int:
    """int() of a typed number that must fit PostgreSQL's integer: ValueError otherwise, so
    request.args.get(name, type=bounded_int) answers None for 2147483648 as for "abc"."""
    number = int(value)
    if not 0 <= number <= INT4_MAX:
        raise ValueError(f"{number} is outside 0..{INT4_MAX}")
    return number


def row_id(**kwargs) -> fields.Integer:
    """A database id in a schema: 1 … INT4_MAX."""
    return fields.Integer(validate=validate.Range(1, INT4_MAX), **kwargs)


def json_depth(body: bytes) -> int:
    """How deep the arrays and objects of a JSON text nest (brackets inside strings do not count)."""
    brackets = _STRINGS.sub(b"", body).translate(None, _OTHER_BYTES)
    return max(accumulate(1 if b in b"[{" else -1 for b in brackets), default=0)


def _unstorable(value) -> bool:
    if isinstance(value, str):
        return bool(_UNSTORABLE.search(value))
    if isinstance(value, dict):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unstorable(v) for v in value)
    return False


def install(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedInt  # before any blueprint adds its rules

    @app.before_request
    def _bound_the_request():
        if request.is_json:
            body = request.get_data(cache=True)
            if json_depth(body) > MAX_JSON_DEPTH:
                raise BadRequest(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None  # not JSON: the view's parser answers it in the error shape
            if _unstorable(parsed):
                raise BadRequest("a string holds NUL or a lone surrogate")
        if any(_unstorable(v) for source in (request.args, request.form) for values in source.listvalues()
               for v in values):
            raise BadRequest("a field holds NUL or a lone surrogate")
