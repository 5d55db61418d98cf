"""Routing lexicons: the data files under data/ loaded into lookup tables.

Every file is plain UTF-8 text a county can edit; `#` starts a comment line. A county may also keep
its own directory with files of the same names: they are read after the packaged ones, so a term
listed there again takes the county's weight (weight 0 switches a packaged term off).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

INTAKES = ("temporary_relief", "dibao", "child_welfare", "other")
SCHEMES = INTAKES[:3]
OTHER = INTAKES.index("other")
URGENT = "urgent"
DATA_DIR = Path(__file__).parent / "data"


class LexiconError(ValueError):
    """A data file has a line that cannot be read."""


@dataclass(frozen=True)
class Pattern:
    target: str  # an intake name or URGENT
    weight: float
    regex: re.Pattern[str]


class Cue(NamedTuple):
    """Everything the scorer needs to know about one token, found with a single dict lookup."""

    term: str  # canonical spelling (typos folded)
    negation: bool
    past: bool
    entries: tuple[tuple[int, float], ...]  # (intake index, weight)
    request: float
    urgency: float
    negatable: bool  # a request or scheme term, which a preceding negation cancels


@dataclass(frozen=True)
class Lexicon:
    terms: dict[str, tuple[tuple[int, float], ...]]  # token -> ((intake index, weight), ...)
    request: dict[str, float]
    urgency: dict[str, float]
    negations: frozenset[str]
    past_markers: frozenset[str]
    typos: dict[str, str]
    patterns: tuple[Pattern, ...]
    t2s: dict[int, str]  # a str.translate table
    cues: dict[str, Cue] = field(default_factory=dict, repr=False)
    # (bound search, intake index or -1 for urgency, weight): the scorer's inner loop, without lookups
    pattern_table: list[tuple[Callable[[str], re.Match[str] | None], int, float]] = field(
        default_factory=list, repr=False
    )

    def __post_init__(self) -> None:
        for p in self.patterns:
            index = -1 if p.target == URGENT else INTAKES.index(p.target)
            self.pattern_table.append((p.regex.search, index, p.weight))
        words = set(self.terms) | set(self.request) | set(self.urgency) | self.negations | self.past_markers
        for word in words:
            self.cues[word] = self._cue(word, word)
        for variant, canonical in self.typos.items():
            self.cues[variant] = self._cue(canonical, variant)

    def _cue(self, term: str, spelled: str) -> Cue:
        entries = self.terms.get(term, ())
        request = self.request.get(term, 0.0)
        return Cue(
            term=term,
            negation=spelled in self.negations,
            past=spelled in self.past_markers,
            entries=entries,
            request=request,
            urgency=self.urgency.get(term, 0.0),
            negatable=bool(request) or any(idx != OTHER for idx, _ in entries),
        )

    def vocabulary(self) -> set[str]:
        """Every word the tokenizer must keep whole for the lookups to see it."""
        words = set(self.terms) | set(self.request) | set(self.urgency)
        words |= self.negations | self.past_markers | set(self.typos)
        return {w for w in words if len(w) > 1}


def _rows(path: Path, columns: int) -> Iterator[tuple[int, list[str]]]:
    if not path.is_file():
        return
    with path.open(encoding="utf-8-sig") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split("\t", columns - 1)] if columns > 1 else [line]
            if len(parts) != columns or not all(parts):
                raise LexiconError(f"{path}:{number}: expected {columns} tab-separated columns")
            yield number, parts


def _weight(path: Path, number: int, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise LexiconError(f"{path}:{number}: weight {value!r} is not a number") from None


def _weighted(path: Path) -> dict[str, float]:
    return {parts[0].lower(): _weight(path, n, parts[1]) for n, parts in _rows(path, 2)}


def _words(path: Path) -> set[str]:
    return {parts[0].lower() for _, parts in _rows(path, 1)}


def _read_patterns(path: Path) -> list[Pattern]:
    found = []
    for number, (target, weight, expression) in _rows(path, 3):
        if target not in INTAKES and target != URGENT:
            raise LexiconError(f"{path}:{number}: unknown target {target!r}")
        try:
            regex = re.compile(expression)
        except re.error as exc:
            raise LexiconError(f"{path}:{number}: bad pattern: {exc}") from None
        found.append(Pattern(target, _weight(path, number, weight), regex))
    return found


def load_lexicon(extra_dirs: Iterable[str | Path] = ()) -> Lexicon:
    """Read the packaged data files, then each extra (county) directory on top."""
    dirs = [DATA_DIR, *(Path(d) for d in extra_dirs)]
    per_intake: list[dict[str, float]] = [{} for _ in INTAKES]
    request: dict[str, float] = {}
    urgency: dict[str, float] = {}
    negations: set[str] = set()
    past: set[str] = set()
    typos: dict[str, str] = {}
    patterns: list[Pattern] = []
    t2s: dict[int, str] = {}
    for base in dirs:
        for index, intake in enumerate(INTAKES):
            per_intake[index].update(_weighted(base / "terms" / f"{intake}.tsv"))
        request.update(_weighted(base / "terms" / "request.tsv"))
        urgency.update(_weighted(base / "urgency.tsv"))
        negations |= _words(base / "negations.txt")
        past |= _words(base / "past_markers.txt")
        typos.update({p[0].lower(): p[1].lower() for _, p in _rows(base / "typos.tsv", 2)})
        patterns.extend(_read_patterns(base / "patterns.tsv"))
        for number, (trad, simp) in _rows(base / "t2s.tsv", 2):
            if len(trad) != 1 or len(simp) != 1:
                raise LexiconError(f"{base / 't2s.tsv'}:{number}: expected one character per column")
            t2s[ord(trad)] = simp
    terms: dict[str, list[tuple[int, float]]] = {}
    for index, table in enumerate(per_intake):
        for term, weight in table.items():
            if weight:
                terms.setdefault(term, []).append((index, weight))
    return Lexicon(
        terms={term: tuple(entries) for term, entries in terms.items()},
        request={t: w for t, w in request.items() if w},
        urgency={t: w for t, w in urgency.items() if w},
        negations=frozenset(negations),
        past_markers=frozenset(past),
        typos=typos,
        patterns=tuple(patterns),
        t2s=t2s,
    )


def user_dictionaries(extra_dirs: Iterable[str | Path] = ()) -> list[Path]:
    """The jieba user dictionaries (word, frequency, tag) that exist, packaged one first."""
    dirs = [DATA_DIR, *(Path(d) for d in extra_dirs)]
    return [d / "userdict.txt" for d in dirs if (d / "userdict.txt").is_file()]
