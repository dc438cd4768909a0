"""Safety first: decide when a message must get a safety answer (crisis, danger, child at risk).

Signals, any is enough (configured in `content/safety.yml`, matched on `bot.domain.text.fold` text):
- an unambiguous phrase ("jag vill dö") for a safety intent;
- a child cue: someone under 18 plus sex for payment or exploitation, when the classifier chose a
  help intent (a law question about minors stays a law question);
- a safety intent that the classifier ranks high enough (`min_confidence`), even when another
  intent is on top: a message about buying sex that also says "jag vill dö" is a crisis.
A minor who says they sell (or are asked to sell) is a child at risk whatever the classifier chose,
also for a law question ("är det olagligt att sälja sex om man är 16"); the child answer carries the
law fact beside the support.

`screen(text)` is the same check without a classifier, for messages the web front answers itself
(too long, too many): phrases and child cues on the first and last `SCREEN_CHARS` characters.
`answers()` reads the safety answers from domain.yml, so the web front and Rasa give the same text.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, Iterable, List, Mapping, Optional, Tuple

import yaml

from bot.domain.text import fold
from bot.paths import CONTENT, ROOT

SAFETY_INTENTS = ("crisis", "immediate_danger", "child_at_risk")
DEFAULT_RULES = CONTENT / "safety.yml"
DEFAULT_DOMAIN = ROOT / "domain.yml"
# A message the web front does not pass on is read at its start and its end, this many characters each.
SCREEN_CHARS = 1000


@dataclass(frozen=True)
class SafetyRules:
    """Compiled content of content/safety.yml."""

    phrases: Mapping[str, List[re.Pattern]] = field(default_factory=dict)
    minor: List[re.Pattern] = field(default_factory=list)
    exploitation: List[re.Pattern] = field(default_factory=list)
    promote_from: FrozenSet[str] = frozenset()
    self_minor: List[re.Pattern] = field(default_factory=list)
    selling: List[re.Pattern] = field(default_factory=list)


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
        self_minor=_compile(child.get("self_minor"), f"{path} child.self_minor"),
        selling=_compile(child.get("selling"), f"{path} child.selling"),
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


def minor_selling(text: str, rules: SafetyRules) -> bool:
    """The writer says they are under 18 and speaks of selling sex, pictures or themselves."""
    folded = _folded(text)
    return any(p.search(folded) for p in rules.self_minor) and any(p.search(folded) for p in rules.selling)


def sure_intent(text: str, rules: SafetyRules) -> Optional[str]:
    """The safety intent that needs no classifier: a phrase, or a minor who sells."""
    if phrase := phrase_intent(text, rules):
        return phrase
    return "child_at_risk" if minor_selling(text, rules) else None


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
    if minor_selling(text, rules) or child_cue(text, intent, rules):
        return "child_at_risk"
    return ranked_intent(ranking, min_confidence)


def _edges(text: str, chars: int) -> List[str]:
    return [text] if len(text) <= 2 * chars else [text[:chars], text[-chars:]]


def screen(text: str, rules: Optional[SafetyRules] = None, chars: int = SCREEN_CHARS) -> Optional[str]:
    """The safety intent of a message that no classifier will read, or None.

    Looks at the first and the last `chars` characters: the phrases, a minor who sells, and a minor
    named together with sex for payment or exploitation (without a classifier that cue stands on its
    own, so a long message about a child and payment gets the child answer, never a refusal).
    """
    rules = rules or load_rules()
    parts = _edges(text or "", chars)
    for intent in SAFETY_INTENTS:
        for part in parts:
            if phrase_intent(part, rules) == intent:
                return intent
    for part in parts:
        folded = _folded(part)
        if minor_selling(part, rules) or (
            any(p.search(folded) for p in rules.minor) and any(p.search(folded) for p in rules.exploitation)
        ):
            return "child_at_risk"
    return None


@lru_cache(maxsize=2)
def answers(path: str = str(DEFAULT_DOMAIN)) -> Mapping[str, str]:
    """The first text of `utter_<intent>` in domain.yml for each safety intent (one home for the text).

    A missing answer is an error: the web front does not start without them.
    """
    responses = (yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}).get("responses") or {}
    found = {}
    for intent in SAFETY_INTENTS:
        variants = responses.get(f"utter_{intent}") or [{}]
        text = (variants[0] or {}).get("text")
        if not text:
            raise ValueError(f"{path}: svaret utter_{intent} saknas eller har ingen text")
        found[intent] = " ".join(text.split())
    return found
