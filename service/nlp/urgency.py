"""Urgency as kinds of events and needs, each judged in its time frame.

An event word (a fire, an accident, a child beaten, money stolen …, by kind in urgency.tsv) counts when it
happens now. It does not count when the sentence puts it in the past (去年, 前几年), makes it long-standing
(好几年了) or only imagined (如果, 万一), or tells it as someone else's story (听说): the nearest marker
before it in the same sentence decides, unless a `now` word (今天, 刚才, 昨晚) comes between. A past or
chronic marker just after it cancels it too ("瘫在床上五六年了", "遭了火灾 上个月"; a chronic one only in its
own written clause: "去世，其父常年在外务工" speaks of someone else), and so does an `after`
word right behind it ("火灾后申请的"). An event of days ago
(上星期, 前几天) still counts when the message goes on to a need or a time word of now (明天之前要交三万).
A message that tells the aftermath (还欠着钱, 房子修好了一半) and no time of now halves its events.

Events of one kind add up; `now` and `need` words (医院叫交钱, 没钱, 快来) add to an event that is there
but never make one. Urgent at URGENT_THRESHOLD.

`present`: the emergency is told as still going on now, not only as what happened: a `pressing` need of
today (医院催着交钱, 就要停药) in no past frame, a counted need of shelter, food or a child's safety (今晚睡哪,
孩子一个人在家), or a strong time word of now (今天, 昨晚, 前天, 马上). A progress question chasing an application is urgent only then (classifier.decide).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from .lexicon import CUE_KINDS, EVENT_KINDS

URGENT_THRESHOLD = 1.0
# now and need words together never add more than this: they sharpen an event, they are not one
CUE_CAP = 1.0
# a grave illness, or a death in the family, is urgent only when sudden or with costs due now:
# its words alone never reach 1.0
KIND_CAP = {"illness": 0.5, "breadwinner": 0.5}
# danger to a child or to a woman at home stays urgent when it has gone on for long or is only heard of
ONGOING = frozenset({"child", "violence"})
# markers that take any event out of now; chronic and hearsay markers leave ONGOING kinds alone
FRAMES = frozenset({"past", "recent", "hypothetical", "aftermath", "after"})
# a time word this strong puts what follows it now (现在 alone is also said of a long illness)
STRONG_NOW = 0.5
# how far after an event a marker still speaks of it ("遭了火灾 那个 上个月")
AFTER = 6
AFTERMATH_FACTOR = 0.5
# sentence ends close a time frame ("去年着火了。今天又…"); clause breaks bound a marker that follows an event
SENTENCE_ENDS = frozenset("。!?！？;；\n")
CLAUSE_BREAKS = SENTENCE_ENDS | frozenset(",，、:： ")
# the breaks judge() is told of: a space of dictation may fall inside a clause ("瘫在床上 五六年了")
WRITTEN_BREAKS = CLAUSE_BREAKS - frozenset(" ")
CUES = frozenset(CUE_KINDS)
# needs that are states of now (no roof, no food, a child unprotected) rather than events that happened
PRESENT_KINDS = frozenset({"destitute", "child"})


class Signal(NamedTuple):
    position: int  # token index; patterns are placed at the token where they start
    kind: str  # an event kind, `now` or `need`
    weight: float
    words: str


@dataclass(frozen=True)
class Urgency:
    score: float
    kind: str  # the strongest kind of event, "" when none counted
    words: tuple[str, ...]  # the event words that counted, then the now and need words
    present: bool = False  # the need is told as going on now (a pressing need, no shelter or food, a child alone)

    @property
    def urgent(self) -> bool:
        return self.score >= URGENT_THRESHOLD


NONE = Urgency(0.0, "", ())


@dataclass(frozen=True)
class _Frame:
    markers: list[tuple[int, str]]
    sentence_ends: list[int]
    nows: list[int]  # strong time words of now
    revivals: list[int]  # strong time words and needs
    any_nows: list[int]  # every time word of now, 现在 too
    clause_breaks: list[int]  # every clause break, sentence ends too

    def away(self, position: int, kind: str) -> bool:
        """Is the event at `position` out of now (past, imagined, someone else's, long-standing)?"""
        markers = [m for m in self.markers if m[1] in FRAMES or kind not in ONGOING]
        start = max((p for p in self.sentence_ends if p < position), default=-1)
        end = min((p for p in self.sentence_ends if p > position), default=1 << 30)
        before = [(p, k) for p, k in markers if start < p < position and k not in ("aftermath", "after")]
        if before:
            last, marker = before[-1]
            # a danger to a child, or a need of shelter or food, goes on: even a weak now (爷爷上周去世，现在孩子
            # 独自在家; 上个月交的材料 现在家里一粒米都没有了) brings it back
            nows = self.any_nows if kind in ONGOING or kind in PRESENT_KINDS else self.nows
            # a phrase that starts with its time word (今晚…住哪) is now at its own start
            if not any(last < n <= position for n in nows):
                return not (marker == "recent" and any(p > position for p in self.revivals))
        after = [(p, k) for p, k in markers if position < p < min(end, position + AFTER + 1)]
        for p, marker in after:
            if any(position < n < p for n in self.nows):
                break
            # a long-standing state after a comma is another clause's (去世，其父常年在外务工)
            if marker == "chronic" and any(position < b < p for b in self.clause_breaks):
                continue
            if marker in ("past", "chronic") or (marker == "after" and p - position <= 2):
                return True
            if marker == "recent" and not any(r > p for r in self.revivals):
                return True
        return False


def judge(signals: list[Signal], markers: list[tuple[int, str]], breaks: list[tuple[int, bool]]) -> Urgency:
    """signals: events and cues in token order; markers: (position, kind of markers.tsv);
    breaks: (position, ends a sentence) of each written clause break (WRITTEN_BREAKS)."""
    if all(s.kind in CUES for s in signals):
        return NONE  # time words and needs alone are no emergency
    nows = [s.position for s in signals if s.kind == "now" and s.weight >= STRONG_NOW]
    needs = [s.position for s in signals if s.kind in ("need", "pressing")]
    any_nows = [s.position for s in signals if s.kind == "now"]
    frame = _Frame(markers, [p for p, ends in breaks if ends], nows, sorted(nows + needs), any_nows,
                   [p for p, _ in breaks])
    damped = not nows and any(k == "aftermath" for _, k in markers)
    by_kind: dict[str, float] = {}
    words: list[str] = []
    counted: list[tuple[str, str, float, int]] = []  # (words, kind, weight, position) of the events that counted
    cues = 0.0
    cue_words: list[str] = []
    present = False
    for signal in signals:
        if signal.kind in CUES:
            if signal.kind == "pressing" and not frame.away(signal.position, "need"):
                present = True
            if signal.words not in cue_words:
                cues += signal.weight
                cue_words.append(signal.words)
            continue
        if signal.words in words or frame.away(signal.position, signal.kind):
            continue
        weight = signal.weight * (AFTERMATH_FACTOR if damped and signal.kind not in ONGOING else 1.0)
        # a phrase and a word inside it (家里叫水淹了, 水淹, 淹了), or two phrases over the same words (猪死了,
        # 死了一窝), are one event told once: the strongest counts
        overlap = max((w for text, k, w, p in counted if k == signal.kind
                       and _same_words(text, p, signal.words, signal.position)), default=0.0)
        counted.append((signal.words, signal.kind, weight, signal.position))
        weight = max(0.0, weight - overlap)
        present = present or signal.kind in PRESENT_KINDS
        total = by_kind.get(signal.kind, 0.0) + weight
        by_kind[signal.kind] = min(total, KIND_CAP.get(signal.kind, total))
        words.append(signal.words)
    if not by_kind:
        return NONE
    # danger to a child is the call whenever it is urgent on its own: the more specific one; otherwise the
    # strongest kind (any urgent on its own counts alike), and on a tie the one EVENT_KINDS lists first (the cause before its consequence:
    # a theft before the empty larder)
    if by_kind.get("child", 0.0) >= URGENT_THRESHOLD:
        kind = "child"
    else:
        kind = max(by_kind, key=lambda k: (min(by_kind[k], URGENT_THRESHOLD), -EVENT_KINDS.index(k)))
    score = by_kind[kind] + min(cues, CUE_CAP)
    # an emergency of today or yesterday (a strong time word of now) is still going on; present only speaks
    # for an emergency the rules found: a lone 没人管 is no child in danger
    present = (present or bool(nows)) and score >= URGENT_THRESHOLD
    return Urgency(score, kind, tuple(dict.fromkeys(words + cue_words)), present)


def _same_words(a: str, a_at: int, b: str, b_at: int) -> bool:
    """Do two event phrases read the same words: one inside the other, or one's end the other's start
    (at least two characters, a few tokens apart)?"""
    if a in b or b in a:
        return True
    if abs(a_at - b_at) > max(len(a), len(b)):
        return False
    return any(a.endswith(b[:k]) or b.endswith(a[:k]) for k in range(2, min(len(a), len(b))))
