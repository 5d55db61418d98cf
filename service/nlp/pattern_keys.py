"""Which characters key a phrase pattern: the scorer runs a pattern only on a message that holds one.

Most of the ~120 patterns cannot match most messages; finding that out by running them cost as much as
segmenting the message. A pattern's compulsory parts (a literal, or an alternation of literals) each
give a set of characters one of which every match contains; the rarest such set keys it.
"""

from __future__ import annotations

import re
from re import _constants, _parser  # type: ignore[attr-defined]  # the stdlib's own regex parser

from . import datafiles as files
from .datafiles import DATA_DIR


def key_characters(regex: re.Pattern[str]) -> frozenset[str] | None:
    """Characters one of which every match contains (one of the pattern's compulsory parts, the one
    least likely to be in any message), or None when no such part can be told."""
    try:
        sets = _compulsory(_parser.parse(regex.pattern, regex.flags))
    except Exception:  # an expression the parser module reads differently: run it on every message
        return None
    return min(sets, key=_commonness, default=None)


def _character_ranks() -> dict[str, int]:
    ranks: dict[str, int] = {}
    for _, (line,) in files.rows(DATA_DIR / "common_chars.txt", 1):
        for char in line:
            ranks.setdefault(char, len(ranks))
    return ranks


CHARACTER_RANKS = _character_ranks()


def _commonness(chars: frozenset[str]) -> float:
    """About how likely a message is to hold one of the characters (frequent ones rank first)."""
    unranked = len(CHARACTER_RANKS) + 20
    return sum(1.0 / (CHARACTER_RANKS.get(c, unranked) + 20) for c in chars)


def _compulsory(items) -> list[frozenset[str]]:
    """For each compulsory part of a parsed sequence whose first characters can be told, those characters."""
    found = []
    for op, av in items:
        if op in (_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT):
            continue
        first = _first([(op, av)])
        if first is not None:
            found.append(first)
    return found


def _first(items) -> frozenset[str] | None:
    for op, av in items:
        if op in (_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT):
            continue  # ^, $ and look-arounds: zero width
        if op is _constants.LITERAL:
            return frozenset(chr(av))
        if op is _constants.SUBPATTERN:
            return _first(av[-1])
        if op is _constants.BRANCH:
            sets = [_first(branch) for branch in av[1]]
            return None if any(s is None for s in sets) else frozenset().union(*sets)
        if op is _constants.IN and all(kind is _constants.LITERAL for kind, _ in av):
            return frozenset(chr(v) for _, v in av)
        if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT) and av[0] >= 1:
            return _first(av[2])
        return None
    return None
