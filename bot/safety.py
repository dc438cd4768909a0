"""Safety first: decide when a message must get a safety answer (crisis, danger, child at risk).

Two signals, either is enough:
- an unambiguous phrase from `content/safety.yml` (matched on folded text, see `bot.text.fold`);
- a safety intent that the classifier ranks high enough (`min_confidence`), even when another
  intent is on top: a message about buying sex that also says "jag vill dö" is a crisis.
"""
from functools import lru_cache
from pathlib import Path
import re
from typing import Dict, Iterable, List, Optional, Tuple

import yaml

from bot.text import fold

SAFETY_INTENTS = ("crisis", "immediate_danger", "child_at_risk")
DEFAULT_PHRASES = Path(__file__).resolve().parent.parent / "content" / "safety.yml"


@lru_cache(maxsize=4)
def load_phrases(path: str = str(DEFAULT_PHRASES)) -> Dict[str, List[re.Pattern]]:
    """Read the phrase file into one compiled pattern list per safety intent."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    unknown = set(raw) - set(SAFETY_INTENTS)
    if unknown:
        raise ValueError(f"{path}: okänd säkerhetsintent {sorted(unknown)}; tillåtna: {SAFETY_INTENTS}")
    return {
        intent: [re.compile(rf"\b(?:{p})\b") for p in (raw.get(intent) or [])]
        for intent in SAFETY_INTENTS
    }


def phrase_intent(text: str, phrases: Dict[str, List[re.Pattern]]) -> Optional[str]:
    """The safety intent whose phrase occurs in `text`, in the order of SAFETY_INTENTS."""
    folded = " ".join(fold(text or "").split())
    for intent in SAFETY_INTENTS:
        if any(p.search(folded) for p in phrases.get(intent, ())):
            return intent
    return None


def ranked_intent(ranking: Iterable[Tuple[str, float]], min_confidence: float) -> Optional[str]:
    """The highest-ranked safety intent whose confidence reaches `min_confidence`."""
    for name, confidence in ranking:
        if name in SAFETY_INTENTS and confidence >= min_confidence:
            return name
    return None


def safety_intent(
    text: str,
    ranking: Iterable[Tuple[str, float]],
    min_confidence: float,
    phrases: Optional[Dict[str, List[re.Pattern]]] = None,
) -> Optional[str]:
    """The safety intent this message must get, or None."""
    return phrase_intent(text, phrases if phrases is not None else load_phrases()) or ranked_intent(
        ranking, min_confidence
    )
