"""What the tracker store keeps of an NLU parse: the interpretation, not the model's workings.

A user message's parse data, as Rasa's NLU pipeline leaves it, holds the chosen intent and
entities, and also the ranking of the next nine intents, the response selector's ranking of every
FAQ and myth topic, and the token offsets of the text. Only the chosen interpretation is ever read
after the turn it was made in: the dialogue rules read the intent and entities, the content report
reads the intent and the chosen topic (`bot.domain.retrieval.full_intent`), the two-stage fallback
reads the latest message only. The rest is left out of what is stored: less to keep about a person
(docs/privacy.md), and about a third of the bytes the store serialises, and the action server reads,
on every message.

Plain Python, no Rasa import. The live parse Rasa works with during the turn is not changed.
"""

from __future__ import annotations

from typing import Any, Dict

# Kept as they are (text, entities and metadata are masked by bot.privacy.event_masking).
KEPT_KEYS = ("intent", "entities", "text", "message_id", "metadata")
# Of each retrieval intent's response selection: the chosen answer and its confidence.
KEPT_RESPONSE_KEYS = ("intent_response_key", "confidence", "utter_action")


def _chosen_response(selection: Any) -> Any:
    if not isinstance(selection, dict):
        return selection
    response = selection.get("response")
    if not isinstance(response, dict):
        return {}
    return {"response": {k: response[k] for k in KEPT_RESPONSE_KEYS if k in response}}


def stored_parse_data(parse_data: Any) -> Any:
    """A copy of `parse_data` with the chosen interpretation only: intent, entities, text, message
    id, metadata and, per retrieval intent, the chosen answer. Not a dict: returned as it is."""
    if not isinstance(parse_data, dict):
        return parse_data
    kept: Dict[str, Any] = {k: parse_data[k] for k in KEPT_KEYS if k in parse_data}
    selector = parse_data.get("response_selector")
    if isinstance(selector, dict):
        kept["response_selector"] = {
            name: (value if name == "all_retrieval_intents" else _chosen_response(value))
            for name, value in selector.items()
        }
    return kept
