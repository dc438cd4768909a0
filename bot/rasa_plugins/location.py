"""Rasa entity extractor for `location`: canonical municipality and county names.

Runs after DIETClassifier and EntitySynonymMapper. Each `location` entity found by DIET is
checked against the gazetteer (`bot.domain.places`): a real place gets its canonical name with å/ä/ö
("umea" → "Umeå"), anything else is dropped. Places the gazetteer finds in the text that DIET
missed are added. A message that is nothing but a place ("Skövde", "jag bor i umea") is the
intent `inform_location`, whatever the classifier thought; and `inform_location` without any place
in the message is not kept (the classifier learns "unknown words → a place name" from the place
examples, and answered gibberish like "qwpzx vbnmk" with it): the next intent in the ranking takes
its place, and the FallbackClassifier judges that one as usual. Every inform_location training
example names a place the gazetteer knows. The gazetteer is the one home of place
matching; this is only the adapter.
"""

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.domain import places
from bot.domain.text import fold

ENTITY = "location"
NAME = "LocationExtractor"


def _span(text: str, place: places.Place) -> tuple:
    """Best-effort character span of the place in `text` (whole text if not found literally)."""
    folded_text, name = text.lower(), place.name.lower()
    for needle in (name, fold(place.name), name.split(" ")[0], fold(place.name).split(" ")[0]):
        i = folded_text.find(needle) if needle else -1
        if i < 0:
            i = fold(text).find(needle) if needle else -1  # same length only without punctuation
        if i >= 0 and i + len(needle) <= len(text):
            return i, i + len(needle)
    return 0, len(text)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LocationExtractor(GraphComponent):
    """Canonicalises and completes `location` entities with the place gazetteer."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"bare_place_intent": "inform_location", "intent_needs_place": True}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._bare_place_intent = config.get("bare_place_intent")
        self._needs_place = bool(config.get("intent_needs_place", True))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LocationExtractor":
        places.gazetteer()  # build the index at load time, not on the first message
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._process(message)
        return messages

    def _process(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        others, found = [], []
        for entity in message.get(ENTITIES) or []:
            if entity.get("entity") != ENTITY:
                others.append(entity)
                continue
            start, end = entity.get("start"), entity.get("end")
            surface = text[start:end] if start is not None and end is not None else str(entity.get("value"))
            place = places.find_place(surface) or places.get(str(entity.get("value")))
            if place:
                found.append({**entity, "value": place.name, "extractor": entity.get("extractor", NAME)})
        known = {e["value"] for e in found}
        for place in places.find_places_in_text(text):
            if place.name not in known:
                start, end = _span(text, place)
                found.append(
                    {
                        "entity": ENTITY,
                        "value": place.name,
                        "start": start,
                        "end": end,
                        "confidence_entity": 1.0,
                        "extractor": NAME,
                    }
                )
                known.add(place.name)
        message.set(ENTITIES, others + found, add_to_output=True)
        name = self._bare_place_intent
        if not name:
            return
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != name]
        if places.bare_place(text):
            message.set(INTENT, {"name": name, "confidence": 1.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": name, "confidence": 1.0}] + ranking, add_to_output=True)
        elif self._needs_place and not found and (message.get(INTENT) or {}).get("name") == name:
            # "Here is where I live" without any place in it: the classifier's next choice, which
            # the FallbackClassifier then judges as usual (gibberish ends as nlu_fallback).
            top = ranking[0] if ranking else {"name": "nlu_fallback", "confidence": 0.0}
            message.set(INTENT, {"name": top.get("name"), "confidence": top.get("confidence", 0.0)}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
