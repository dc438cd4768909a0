"""Rasa component: button payloads for FAQ topics ("/faq/law") work like a typed question.

Rasa 3.6 only understands payloads of plain intents ("/greet"); a retrieval intent with its
topic ("/faq/law") is not in the domain's intent list, so Rasa would send the raw text through
the classifier. This component, placed last, reads such a payload and sets the intent (`faq`)
and the response selector's choice (`faq/law` → `utter_faq/law`) with full confidence.
"""

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.domain.retrieval import RETRIEVAL_INTENTS

PAYLOAD = re.compile(r"^/(?P<intent>[A-Za-z0-9_-]+)/(?P<key>[A-Za-z0-9_-]+)\s*$")


def selector_prediction(
    intent: str, key: str, confidence: float = 1.0, ranking: Optional[List[Dict[str, Any]]] = None
) -> Dict[str, Any]:
    """The response selector's prediction for a chosen retrieval response, as Rasa writes it. The
    bot takes the answer's text from the domain (`utter_action`), so `responses` stays empty."""
    full = f"{intent}/{key}"
    return {
        RESPONSE_SELECTOR_PREDICTION_KEY: {
            RESPONSE_SELECTOR_RESPONSES_KEY: None,
            PREDICTED_CONFIDENCE_KEY: confidence,
            INTENT_RESPONSE_KEY: full,
            RESPONSE_SELECTOR_UTTER_ACTION_KEY: f"utter_{full}",
        },
        RESPONSE_SELECTOR_RANKING_KEY: ranking or [{PREDICTED_CONFIDENCE_KEY: confidence, INTENT_RESPONSE_KEY: full}],
    }


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class RetrievalPayload(GraphComponent):
    """Turns "/<retrieval intent>/<topic>" payloads into that intent and response choice."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"retrieval_intents": list(RETRIEVAL_INTENTS)}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._intents = set(config["retrieval_intents"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RetrievalPayload":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            match = PAYLOAD.match((message.get(TEXT) or "").strip())
            if not match or match.group("intent") not in self._intents:
                continue
            intent, key = match.group("intent"), match.group("key")
            message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 1.0}], add_to_output=True)
            message.set(ENTITIES, [], add_to_output=True)
            selector = dict(message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {})
            selector[intent] = selector_prediction(intent, key)
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selector, add_to_output=True)
        return messages
