"""Cues in a user's own words: which support situation a message describes, and what a tip is about.

Word-start patterns on folded text (`bot.domain.text.fold`), so "tvingas", "tvingade" and "tvang" all
count and å/ä/ö do not matter. They only choose between answers that all give safe help; when the
cues are missing or contradict each other the caller asks one clarifying question instead.
"""

import re
from typing import Optional

from bot.domain.text import fold

SITUATIONS = ("sells_sex", "trafficking", "relative_of_buyer", "relative_of_seller")
SELF_SITUATIONS = ("sells_sex", "trafficking")  # victim_help
OTHER_SITUATIONS = ("relative_of_buyer", "relative_of_seller")  # worried_about_other
SELLING_SIDE = ("sells_sex", "trafficking", "relative_of_seller")  # helped by Mika, Evonhuset


def _cues(*patterns: str) -> "re.Pattern[str]":
    return re.compile(r"\b(?:" + "|".join(patterns) + ")")


FORCED = _cues(
    r"tving",
    r"tvang",
    r"hot(?:ar|ade|ad|as|at)?\b",
    r"pass(?:et|en)?\b",
    r"skuld",
    r"manniskohandel",
    r"traffick",
    r"inlast",
    r"lasta? in",
    r"hallick",
    r"kopplare",
    r"far inte (?:ga|lamna|aka)",
    r"tar (?:alla |mina )?pengar",
    r"utnyttj",
    r"sald(?:es)?\b",
)
SELLS = _cues(
    r"salj",
    r"salt\b",
    r"salde",
    r"som eskort",
    r"escort",
    r"sugar ?dadd",
    r"sexarbet",
    r"prostitu",
    r"(?:tar|far|fick|tog) betalt",
    r"onlyfans",
    r"sex mot ersattning",
)
BUYS = _cues(
    r"kop(?:er|t|te|a|are)?\b", r"sexkop", r"torsk", r"betala(?:r|de|t)? for sex", r"eskorter", r"anlita", r"porr"
)
CHILD = _cues(
    r"barn", r"under 18", r"minderarig", r"tonar", r"1[0-7] ?(?:ar|aring)", r"[5-9] ?aring", r"hogstadie", r"elev"
)
ACUTE = _cues(r"just nu", r"akut", r"i fara", r"pagar", r"i ?kvall", r"i natt")
AT_WORK = _cues(
    r"i (?:mitt|vart) (?:arbete|jobb)",
    r"pa jobbet",
    r"i tjansten",
    r"yrkes",
    r"klient",
    r"patient",
    r"som (?:socialsekreterare|larare|kurator|sjukskoterska|lakare|polis)",
)


def detect(text: str, intent: Optional[str]) -> Optional[str]:
    """The situation of a victim_help / worried_about_other message, or None when it is unclear."""
    folded = fold(text)
    forced, sells, buys = (bool(p.search(folded)) for p in (FORCED, SELLS, BUYS))
    if intent == "victim_help":
        return "trafficking" if forced else "sells_sex" if sells else None
    if intent == "worried_about_other":
        if buys and not (sells or forced):
            return "relative_of_buyer"
        if (sells or forced) and not buys:
            return "relative_of_seller"
    return None


def involves_child(text: str) -> bool:
    return bool(CHILD.search(fold(text)))


def is_acute(text: str) -> bool:
    return bool(ACUTE.search(fold(text)))


def at_work(text: str) -> bool:
    return bool(AT_WORK.search(fold(text)))
