"""Text normalisation before segmentation: one plain form for what residents type, write and dictate."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

# anything that is not a letter, digit or CJK character ends a clause for the windows in the scorer
_SPACES = re.compile(r"\s+")
# control and format characters; newlines and tabs become spaces too
_CONTROLS = [*range(0x20), *range(0x7F, 0xA0), *range(0x200B, 0x2010), *range(0x2028, 0x202F),
             *range(0x2060, 0x2070), 0xFEFF]


@dataclass(frozen=True)
class Fold:
    """variant -> plain word, unless the next character is one of `unless_next`."""

    plain: str
    unless_next: str = ""


@dataclass
class Normalizer:
    t2s: dict[int, str]
    folds: Mapping[str, Fold]
    fillers: frozenset[str]
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)
    _table: dict[int, str] = field(default_factory=dict, repr=False)
    _special: frozenset[str] = field(default=frozenset(), repr=False)

    def __post_init__(self) -> None:
        # one pass: traditional to simplified, and control characters (a pasted message can carry them)
        # to spaces
        self._table = {**dict.fromkeys(_CONTROLS, " "), **self.t2s}
        # a set, not a regex character class: re scans a class of 4,000 characters about 10x slower
        self._special = frozenset(map(chr, self._table))
        if self.folds:
            # longest first: the alternation takes the first variant that matches at a position
            alternatives = []
            for variant in sorted(self.folds, key=lambda v: (-len(v), v)):
                unless = self.folds[variant].unless_next
                guard = f"(?![{re.escape(unless)}])" if unless else ""
                alternatives.append(re.escape(variant) + guard)
            self._pattern = re.compile("|".join(alternatives))

    def _plain(self, match: re.Match[str]) -> str:
        return self.folds[match.group()].plain

    def __call__(self, text: str) -> str:
        """Full-width to half-width, lowercase, traditional to simplified, dialect and voice errors folded,
        fillers and stutters of dictation dropped, runs of whitespace made one space."""
        if not text:
            return ""
        # NFKC folds full-width letters, digits and most punctuation that phone keyboards produce
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        text = text.lower()
        if not self._special.isdisjoint(text):  # most messages have neither: skip the per-character table
            text = text.translate(self._table)
        if self._pattern is not None:
            text = self._pattern.sub(self._plain, text)
        if " " in text or "\u3000" in text:
            text = self._spoken(text)
        return text

    def _spoken(self, text: str) -> str:
        """Voice transcripts: drop lone fillers (嗯 那个) and stutters ("申 申请", "低保 低保"), and join
        what is left where Chinese meets Chinese ("有没有 消息" is one phrase, as typed it would be)."""
        chunks = [c for c in _SPACES.split(text.strip()) if c and c not in self.fillers]
        out = ""
        for i, chunk in enumerate(chunks):
            following = chunks[i + 1] if i + 1 < len(chunks) else ""
            if following.startswith(chunk):
                continue
            if out and not (_cjk(out[-1]) and _cjk(chunk[0])):
                out += " "
            out += chunk
        return out


def _cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def normalize(text: str, t2s: dict[int, str]) -> str:
    """Script and width only (no dialect folding): NFKC, lowercase, traditional to simplified."""
    return Normalizer(t2s, {}, frozenset())(text)
