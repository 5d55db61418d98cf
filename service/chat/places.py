"""Finding a resident's village from how they say it, and the township nearest to a shared location."""

import math
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_SUFFIXES = re.compile(r"(社区居委会|居委会|村委会|社区|行政村|自然村|街道|乡|镇|村|庄)$")
_FILLER = re.compile(r"[\s，,。.！!？?、：:；;]|^(我|俺|我们|俺们)?(家|是|住|在)+")


@dataclass(frozen=True)
class Place:
    village_id: int
    village: str
    township: str


def core(name: str) -> str:
    """孙疃镇 → 孙疃, 秦口村 → 秦口: people drop the suffix as often as they say it."""
    previous = None
    while previous != name:
        previous, name = name, _SUFFIXES.sub("", name)
    return name


def _sound(name: str) -> str:
    # Voice input and pinyin keyboards swap homophones (秦扣 for 秦口, 马厂 for 马场): compare by sound too.
    # Imported here: its tables are ~55 MB, which the notify worker never needs (the web app preloads it).
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(name))


def match_villages(text: str, places: list[Place], *, cutoff: float = 0.75) -> list[Place]:
    """Best matches for what the resident typed: the village named (with or without 村, with or without
    its township), else the same sound, else a near-miss. Several results mean: ask which one."""
    said = _FILLER.sub("", text or "")
    if not said:
        return []
    in_township = [p for p in places if p.township in said or core(p.township) in said]
    pool = in_township or places
    named_in_full = [p for p in pool if p.village in said.replace(p.township, "")]
    if named_in_full:  # 孙疃村 is a village of 孙疃镇: its full name settles it
        return named_in_full
    rest = said
    for p in in_township[:1]:
        rest = rest.replace(p.township, "").replace(core(p.township), "", 1)
    rest = core(rest) if rest else rest
    if not rest:
        return []  # only a township was named: the caller asks for the village
    exact = [p for p in pool if core(p.village) and core(p.village) in rest]
    if exact:
        longest = max(len(core(p.village)) for p in exact)
        return [p for p in exact if len(core(p.village)) == longest]
    same_sound = [p for p in pool if _sound(core(p.village)) == _sound(rest)]
    if same_sound:
        return same_sound
    scored = sorted(((SequenceMatcher(None, rest, core(p.village)).ratio(), p) for p in pool),
                    key=lambda pair: -pair[0])
    return [p for score, p in scored if score >= cutoff][:3]


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    # haversine: good to a few metres at county scale
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def nearest(lat: float, lng: float, townships: list[tuple[str, float, float]]) -> tuple[str, float] | None:
    known = [(distance_km(lat, lng, t_lat, t_lng), name) for name, t_lat, t_lng in townships]
    if not known:
        return None
    km, name = min(known)
    return name, km


def suggest_villages(text: str, places: list[Place], *, limit: int = 3, floor: float = 0.6) -> list[Place]:
    """When nothing matches: the few nearest names, by writing or by sound (two typos, 情扣 for 秦口), for
    the resident to pick from; [] when nothing is near enough to be worth asking about."""
    said = _FILLER.sub("", text or "")
    in_township = [p for p in places if p.township in said or core(p.township) in said]
    rest = said
    for p in in_township[:1]:
        rest = rest.replace(p.township, "").replace(core(p.township), "", 1)
    rest = core(rest) if rest else rest
    if not rest:
        return []
    heard = _sound(rest)

    def score(p: Place) -> float:
        name = core(p.village)
        return max(SequenceMatcher(None, rest, name).ratio(), SequenceMatcher(None, heard, _sound(name)).ratio())

    scored = sorted(((score(p), p) for p in (in_township or places)), key=lambda pair: -pair[0])
    return [p for value, p in scored if value >= floor][:limit]
