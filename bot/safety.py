"""Safety first: decide when a message must get a safety answer (crisis, danger, child at risk).

Three signals, any is enough (configured in `content/safety.yml`, matched on `bot.text.fold` text):
- an unambiguous phrase ("jag vill dö") for a safety intent;
- a child cue: someone under 18 plus sex for payment or exploitation, when the classifier chose a
  help intent (a law question about minors stays a law question);
- a safety intent that the classifier ranks high enough (`min_confidence`), even when another
  intent is on top: a message about buying sex that also says "jag vill dö" is a crisis.
"""
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
import re
from typing import FrozenSet, Iterable, List, Mapping, Optional, Tuple

import yaml

from bot.text import fold

SAFETY_INTENTS = ("crisis", "immediate_danger", "child_at_risk")
DEFAULT_RULES = Path(__file__).resolve().parent.parent / "content" / "safety.yml"


@dataclass(frozen=True)
class SafetyRules:
    """Compiled content of content/safety.yml."""

    phrases: Mapping[str, List[re.Pattern]] = field(default_factory=dict)
    minor: List[re.Pattern] = field(default_factory=list)
    exploitation: List[re.Pattern] = field(default_factory=list)
    promote_from: FrozenSet[str] = frozenset()


def _compile(patterns: Iterable[str], where: str) -> List[re.Pattern]:
    compiled = []
    for p in patterns or []:
        try:
            compiled.append(re.compile(rf"\b(?:{p})\b"))
        except re.error as e:
            raise ValueError(f"{where}: mönstret {p!r} går inte att tolka ({e})") from e
    return compiled


@lru_cache(maxsize=4)
def load_rules(path: str = str(DEFAULT_RULES)) -> SafetyRules:
    """Read and compile the safety rules; a broken file gives a message naming the place."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    phrases = raw.get("phrases") or {}
    unknown = set(phrases) - set(SAFETY_INTENTS)
    if unknown:
        raise ValueError(f"{path}: okänd säkerhetsintent {sorted(unknown)} under phrases; tillåtna: {SAFETY_INTENTS}")
    child = raw.get("child") or {}
    return SafetyRules(
        phrases={i: _compile(phrases.get(i), f"{path} phrases.{i}") for i in SAFETY_INTENTS},
        minor=_compile(child.get("minor"), f"{path} child.minor"),
        exploitation=_compile(child.get("exploitation"), f"{path} child.exploitation"),
        promote_from=frozenset(child.get("promote_from") or []),
    )


def _folded(text: str) -> str:
    return " ".join(fold(text or "").split())


def phrase_intent(text: str, rules: SafetyRules) -> Optional[str]:
    """The safety intent whose phrase occurs in `text`, in the order of SAFETY_INTENTS."""
    folded = _folded(text)
    for intent in SAFETY_INTENTS:
        if any(p.search(folded) for p in rules.phrases.get(intent, ())):
            return intent
    return None


def child_cue(text: str, intent: Optional[str], rules: SafetyRules) -> bool:
    """A minor and exploitation are both named, in a message read as a help intent."""
    if intent not in rules.promote_from:
        return False
    folded = _folded(text)
    return any(p.search(folded) for p in rules.minor) and any(p.search(folded) for p in rules.exploitation)


def ranked_intent(ranking: Iterable[Tuple[str, float]], min_confidence: float) -> Optional[str]:
    """The highest-ranked safety intent whose confidence reaches `min_confidence`.

    The ranking may start with `nlu_fallback` (the classifier was unsure): a safety intent the
    classifier still saw is then all the more the answer to give.
    """
    for name, confidence in ranking:
        if name in SAFETY_INTENTS and confidence >= min_confidence:
            return name
    return None


def safety_intent(
    text: str,
    intent: Optional[str],
    ranking: Iterable[Tuple[str, float]],
    min_confidence: float,
    rules: Optional[SafetyRules] = None,
) -> Optional[str]:
    """The safety intent this message must get, or None. `intent` is the classifier's choice."""
    rules = rules or load_rules()
    if phrase := phrase_intent(text, rules):
        return phrase
    if intent in SAFETY_INTENTS:
        return intent
    if child_cue(text, intent, rules):
        return "child_at_risk"
    return ranked_intent(ranking, min_confidence)
