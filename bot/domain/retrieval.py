"""The retrieval intents and how a parse result names its answer.

Two intents are answered from a list of ready answers (Rasa retrieval intents): `faq/<topic>`, the
questions of the agency's Q&A and the buyer's practical questions, and `myth/<topic>`, the buyer's
reasons ("hon gör det frivilligt"). The contract names an answer by its full name (`faq/law`,
`myth/voluntary`); Rasa's parse result carries the base intent and the chosen answer separately.
"""

from typing import Any, Dict, Optional

RETRIEVAL_INTENTS = ("faq", "myth")


def chosen_topic(parse: Dict[str, Any], intent: str) -> Optional[str]:
    """The full name of the answer the parse result chose for retrieval intent `intent`, if any."""
    selector = (parse.get("response_selector") or {}).get(intent) or {}
    key = (selector.get("response") or {}).get("intent_response_key")
    if key:
        return key
    ranking = selector.get("ranking") or []
    return ranking[0].get("intent_response_key") if ranking else None


def full_intent(parse: Dict[str, Any]) -> str:
    """The contract's name for a parse result: `faq/<topic>` or `myth/<topic>` for a retrieval
    intent, else the intent's own name (`nlu_fallback` when there is none)."""
    name = (parse.get("intent") or {}).get("name") or "nlu_fallback"
    if name in RETRIEVAL_INTENTS:
        return chosen_topic(parse, name) or name
    return name
