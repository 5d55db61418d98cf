"""Routing lexicons: the data files under data/ loaded into lookup tables.

Every file is plain UTF-8 text a county can edit; `#` starts a comment line. A county may also keep
its own directory with files of the same names: they are read after the packaged ones, so a term
listed there again takes the county's weight (weight 0 switches a packaged term off). docs/nlp.md
describes each file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from . import datafiles as files
from .datafiles import DATA_DIR, LexiconError
from .normalize import Fold, Normalizer
from .pattern_keys import key_characters

INTAKES = ("temporary_relief", "dibao", "child_welfare", "other")
SCHEMES = INTAKES[:3]
OTHER = INTAKES.index("other")
INTENTS = ("apply", "ask", "progress", "complaint", "thanks")
URGENT = "urgent"
# kinds of urgent events and needs (urgency.tsv); `now` and `need` only add to an event that is there
EVENT_KINDS = (
    "injury", "illness", "disaster", "livelihood", "crime", "child", "breadwinner", "destitute", "missing",
    "violence", "selfharm",
)
# `pressing`: a need of today by its nature (催着交钱, 就要停药), a `need` that also tells the emergency goes on now
CUE_KINDS = ("now", "need", "pressing")
# words that put what follows in the past, make it long-standing or only imagined (markers.tsv)
MARKER_KINDS = ("past", "recent", "chronic", "hypothetical", "hearsay", "aftermath", "after")
# learned.tsv targets, in the order of Cue.learned
LEARNED_TARGETS = (*INTAKES, *INTENTS, URGENT)
BIAS = "*"  # learned.tsv's word for the bias of each target
SCALE = "**"  # and for the factor on the hand-written evidence of each target

__all__ = ["INTAKES", "INTENTS", "SCHEMES", "Cue", "Lexicon", "LexiconError", "load_lexicon"]


@dataclass(frozen=True)
class Pattern:
    target: str  # an intake, an intent, or urgent:<kind>
    weight: float
    regex: object  # re.Pattern[str]


class Cue(NamedTuple):
    """Everything the scorer needs to know about one token, found with a single dict lookup."""

    term: str  # the word as the lexicons spell it
    negation: bool
    marker: str  # one of MARKER_KINDS, or ""
    entries: tuple[tuple[int, float], ...]  # (intake index, weight)
    intents: tuple[tuple[int, float], ...]  # (intent index, weight)
    request: float
    urgency: float
    kind: str  # one of EVENT_KINDS or CUE_KINDS when urgency is set
    negatable: bool  # a request or scheme term, which a preceding negation cancels
    learned: tuple[float, ...] | None  # weights learned from the dev corpus, by LEARNED_TARGETS


@dataclass(frozen=True)
class Lexicon:
    terms: dict[str, tuple[tuple[int, float], ...]]  # token -> ((intake index, weight), ...)
    intents: dict[str, tuple[tuple[int, float], ...]]  # token -> ((intent index, weight), ...)
    request: dict[str, float]
    urgency: dict[str, tuple[float, str]]  # token -> (weight, kind)
    negations: frozenset[str]
    markers: dict[str, str]  # token -> marker kind
    learned: dict[str, tuple[float, ...]]
    patterns: tuple[Pattern, ...]
    normalizer: Normalizer
    cues: dict[str, Cue] = field(default_factory=dict, init=False, repr=False)
    # (bound search, target group, index, weight): the scorer's pattern loop without lookups;
    # group is "intake", "intent" or "urgent" (index then points into EVENT_KINDS)
    pattern_table: list[tuple[Callable[[str], re.Match[str] | None], str, int, float]] = field(
        default_factory=list, init=False, repr=False)
    # whether learned.tsv holds an urgency model (an older file has only schemes and intents)
    learned_urgency: bool = field(default=False, init=False, repr=False)
    # patterns by the characters one of which every match contains, and those with no such characters:
    # the scorer runs only the patterns whose key characters are in the message
    pattern_index: dict[str, tuple[int, ...]] = field(default_factory=dict, init=False, repr=False)
    pattern_anywhere: tuple[int, ...] = field(default=(), init=False, repr=False)
    pattern_keys: re.Pattern[str] | None = field(default=None, init=False, repr=False)  # any key character
    # words with learned weights and nothing else to them (no hand-written role): the scorer's short way
    learned_only: dict[str, tuple[float, ...]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, list[int]] = {}
        anywhere = []
        for number, p in enumerate(self.patterns):
            self.pattern_table.append((p.regex.search, *_target(p.target), p.weight))
            key = key_characters(p.regex)
            if key is None:
                anywhere.append(number)
            for char in key or ():
                index.setdefault(char, []).append(number)
        object.__setattr__(self, "pattern_index", {c: tuple(n) for c, n in index.items()})
        if index:
            keys = re.compile("[" + "".join(re.escape(c) for c in sorted(index)) + "]")
            object.__setattr__(self, "pattern_keys", keys)
        object.__setattr__(self, "pattern_anywhere", tuple(anywhere))
        words = set(self.terms) | set(self.intents) | set(self.request) | set(self.urgency)
        words |= self.negations | set(self.markers) | set(self.learned)
        for word in words:
            cue = self._cue(word)
            self.cues[word] = cue
            if cue.learned is not None and cue == cue._replace(
                    negation=False, marker="", entries=(), intents=(), request=0.0, urgency=0.0, kind="",
                    negatable=False):
                self.learned_only[word] = cue.learned
        # a trained urgency model always has a bias (0.0 is what a file without one reads as)
        object.__setattr__(self, "learned_urgency", bool(self.bias[LEARNED_TARGETS.index(URGENT)]))

    @property
    def bias(self) -> tuple[float, ...]:
        return self.learned.get(BIAS) or (0.0,) * len(LEARNED_TARGETS)

    @property
    def scale(self) -> tuple[float, ...]:
        return self.learned.get(SCALE) or (1.0,) * len(LEARNED_TARGETS)

    def _cue(self, term: str) -> Cue:
        entries = self.terms.get(term, ())
        request = self.request.get(term, 0.0)
        urgency, kind = self.urgency.get(term, (0.0, ""))
        return Cue(
            term=term,
            negation=term in self.negations,
            marker=self.markers.get(term, ""),
            entries=entries,
            intents=self.intents.get(term, ()),
            request=request,
            urgency=urgency,
            kind=kind,
            negatable=bool(request) or any(idx != OTHER for idx, _ in entries),
            learned=self.learned.get(term),
        )

    def vocabulary(self) -> set[str]:
        """Every hand-written word the tokenizer must keep whole for the lookups to see it (learned words
        are jieba's own tokens already)."""
        words = set(self.terms) | set(self.intents) | set(self.request) | set(self.urgency)
        words |= self.negations | set(self.markers)
        return {w for w in words if len(w) > 1}


def _target(target: str) -> tuple[str, int]:
    if target in INTAKES:
        return "intake", INTAKES.index(target)
    if target in INTENTS:
        return "intent", INTENTS.index(target)
    kind = target.partition(":")[2] or "disaster"
    return "urgent", EVENT_KINDS.index(kind)


PATTERN_TARGETS = {*INTAKES, *INTENTS, URGENT, *(f"{URGENT}:{k}" for k in EVENT_KINDS)}


def _read_patterns(path: Path) -> list[Pattern]:
    found = []
    for number, (target, weight, expression) in files.rows(path, 3):
        files.choice(path, number, target, PATTERN_TARGETS, "target")
        found.append(Pattern(target, files.weight(path, number, weight), files.regex(path, number, expression)))
    return found


def _read_folds(path: Path, folds: dict[str, Fold]) -> None:
    for _, parts in files.rows(path, 3, optional=1):
        folds[parts[0].lower()] = Fold(parts[1].lower(), parts[2] if len(parts) > 2 else "")


def _read_urgency(path: Path, into: dict[str, tuple[float, str]]) -> None:
    for number, parts in files.rows(path, 3, optional=1):
        kind = files.choice(path, number, parts[2], (*EVENT_KINDS, *CUE_KINDS), "kind") if len(parts) > 2 else "disaster"
        into[parts[0].lower()] = (files.weight(path, number, parts[1]), kind)


def _read_learned(path: Path, into: dict[str, list[float]]) -> None:
    for number, (term, target, weight) in files.rows(path, 3):
        index = LEARNED_TARGETS.index(files.choice(path, number, target, LEARNED_TARGETS, "target"))
        into.setdefault(term.lower(), [0.0] * len(LEARNED_TARGETS))[index] = files.weight(path, number, weight)


def load_lexicon(extra_dirs: Iterable[str | Path] = (), learned: bool = True) -> Lexicon:
    """Read the packaged data files, then each extra (county) directory on top.

    learned=False leaves out the weights learned from the corpus (the trainer measures the hand-written
    lexicons alone)."""
    dirs = [DATA_DIR, *(Path(d) for d in extra_dirs)]
    per_intake: list[dict[str, float]] = [{} for _ in INTAKES]
    per_intent: list[dict[str, float]] = [{} for _ in INTENTS]
    request: dict[str, float] = {}
    urgency: dict[str, tuple[float, str]] = {}
    negations: set[str] = set()
    markers: dict[str, str] = {}
    folds: dict[str, Fold] = {}
    fillers: set[str] = set()
    patterns: list[Pattern] = []
    learned_rows: dict[str, list[float]] = {}
    # (word, learned target) a county's own lexicon sets: its weight replaces the learned one
    county_set: set[tuple[str, int]] = set()
    t2s: dict[int, str] = _library_t2s()
    for base in dirs:
        for number, (trad, simp) in files.rows(base / "t2s.tsv", 2):
            if len(trad) != 1 or len(simp) != 1:
                raise LexiconError(f"{base / 't2s.tsv'}:{number}: expected one character per column")
            t2s[ord(trad)] = simp
        _read_folds(base / "typos.tsv", folds)
        _read_folds(base / "dialect.tsv", folds)
        fillers |= files.words(base / "fillers.txt")
        for index, intake in enumerate(INTAKES):
            table = files.weighted(base / "terms" / f"{intake}.tsv")
            per_intake[index].update(table)
            if base != DATA_DIR:
                county_set.update((term, index) for term in table)
        for index, intent in enumerate(INTENTS):
            table = files.weighted(base / "intents" / f"{intent}.tsv")
            per_intent[index].update(table)
            if base != DATA_DIR:
                county_set.update((term, len(INTAKES) + index) for term in table)
        request.update(files.weighted(base / "terms" / "request.tsv"))
        _read_urgency(base / "urgency.tsv", urgency)
        negations |= files.words(base / "negations.txt")
        markers.update(dict.fromkeys(files.words(base / "past_markers.txt"), "past"))
        for number, (term, kind) in files.rows(base / "markers.tsv", 2):
            markers[term.lower()] = files.choice(base / "markers.tsv", number, kind, MARKER_KINDS, "marker")
        patterns.extend(_read_patterns(base / "patterns.tsv"))
        if learned:
            _read_learned(base / "learned.tsv", learned_rows)
    # folds and fillers are spelled in the input's form; everything else is folded like the input
    normalizer = Normalizer(t2s, folds, frozenset(fillers))

    def fold(table: dict[str, float]) -> dict[str, float]:
        return {normalizer(t): w for t, w in table.items()}

    terms: dict[str, list[tuple[int, float]]] = {}
    for index, table in enumerate(per_intake):
        for term, w in fold(table).items():
            if w:
                terms.setdefault(term, []).append((index, w))
    intents: dict[str, list[tuple[int, float]]] = {}
    for index, table in enumerate(per_intent):
        for term, w in fold(table).items():
            if w:
                intents.setdefault(term, []).append((index, w))
    for term, index in county_set:
        row = learned_rows.get(normalizer(term))
        if row is not None:
            row[index] = 0.0
    return Lexicon(
        terms={t: tuple(e) for t, e in terms.items()},
        intents={t: tuple(e) for t, e in intents.items()},
        request={t: w for t, w in fold(request).items() if w},
        urgency={normalizer(t): v for t, v in urgency.items() if v[0]},
        negations=frozenset(normalizer(w) for w in negations),
        markers={normalizer(t): k for t, k in markers.items()},
        learned={t: tuple(w) for t, w in learned_rows.items()},
        patterns=tuple(patterns),
        normalizer=normalizer,
    )


def user_dictionaries(extra_dirs: Iterable[str | Path] = ()) -> list[Path]:
    """The jieba user dictionaries (word, frequency, tag) that exist, packaged one first."""
    dirs = [DATA_DIR, *(Path(d) for d in extra_dirs)]
    return [d / "userdict.txt" for d in dirs if (d / "userdict.txt").is_file()]


def _library_t2s() -> dict[int, str]:
    """Traditional → simplified for single characters, from OpenCC's TSCharacters dictionary as the
    opencc-python-reimplemented package ships it (first candidate of each); t2s.tsv lines override it."""
    from importlib import resources

    table: dict[int, str] = {}
    text = resources.files("opencc").joinpath("dictionary/TSCharacters.txt").read_text("utf-8")
    for line in text.splitlines():
        trad, _, candidates = line.partition("\t")
        simp = candidates.split(" ")[0] if candidates else ""
        if len(trad) == 1 and len(simp) == 1 and trad != simp:
            table[ord(trad)] = simp
    return table
