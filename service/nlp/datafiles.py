"""Reading the lexicon data files: plain UTF-8 text, `#` starts a comment line, columns split by one TAB."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

# the packaged lexicons; a county's directory of the same files is read on top
DATA_DIR = Path(__file__).parent / "data"


class LexiconError(ValueError):
    """A data file has a line that cannot be read."""


def rows(path: Path, columns: int, optional: int = 0) -> Iterator[tuple[int, list[str]]]:
    """(line number, columns) of each data line; `optional` trailing columns may be left out."""
    if not path.is_file():
        return
    with path.open(encoding="utf-8-sig") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split("\t", columns - 1)] if columns > 1 else [line]
            if not columns - optional <= len(parts) <= columns or not all(parts):
                expected = f"{columns - optional}-{columns}" if optional else str(columns)
                raise LexiconError(f"{path}:{number}: expected {expected} tab-separated columns")
            yield number, parts


def weight(path: Path, number: int, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise LexiconError(f"{path}:{number}: weight {value!r} is not a number") from None


def weighted(path: Path) -> dict[str, float]:
    return {parts[0].lower(): weight(path, n, parts[1]) for n, parts in rows(path, 2)}


def words(path: Path) -> set[str]:
    return {parts[0].lower() for _, parts in rows(path, 1)}


def regex(path: Path, number: int, expression: str) -> re.Pattern[str]:
    try:
        return re.compile(expression)
    except re.error as exc:
        raise LexiconError(f"{path}:{number}: bad pattern: {exc}") from None


def choice(path: Path, number: int, value: str, allowed: set[str] | tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise LexiconError(f"{path}:{number}: unknown {what} {value!r}")
    return value
