"""Rasa components that override the classifier's intent when the message demands it.

- `LanguageGate`: a message in a language we cannot serve → `other_language` (bot.domain.language).
- `SafetyGate`: crisis, danger or a child at risk outrank every other intent (bot.domain.safety), also
  `other_language`: a Swedish safety phrase in a message read as another language still counts.
Both run last, after FallbackClassifier, so that their decision stands.
"""

from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.domain import language, safety
from bot.paths import ROOT

_ROOT = ROOT


def _set_intent(message: Message, name: Text, confidence: float, source: Text) -> None:
    """Put `name` on top of the intent and the ranking, noting which gate decided."""
    ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != name]
    top = {"name": name, "confidence": confidence}
    message.set(INTENT, {**top, "decided_by": source}, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top] + ranking, add_to_output=True)


class _Gate(GraphComponent):
    """Common plumbing of the gates: no training, config only."""

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = config

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self.process_message(message)
        return messages

    def process_message(self, message: Message) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LanguageGate(_Gate):
    """Sets intent `other_language` when lingua is confident the text is not Swedish."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent": "other_language",
            "languages": list(language.DEFAULT_LANGUAGES),
            "understood": list(language.UNDERSTOOD),
            "min_words": 3,
            "min_confidence": 0.25,
            "margin": 2.0,
            # A verdict this sure overrides any intent; a weaker one only an unsure classifier.
            "strong_confidence": 0.5,
            "weak_override": ["nlu_fallback", "out_of_scope", "other_language"],
            # ... except an intent the classifier is at least this sure of (None: no exception):
            # Swedish with a loan word ("vad är trafficking") can read as English to lingua.
            "keep_confident": None,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["lingua"]

    def process_message(self, message: Message) -> None:
        c = self.config
        intent = message.get(INTENT) or {}
        current = intent.get("name")
        keep = c.get("keep_confident")
        if keep is not None and current not in c["weak_override"] and (intent.get("confidence") or 0.0) >= keep:
            return  # decided before asking lingua: no language detection for a sure intent
        verdict = language.foreign_language(
            message.get(TEXT) or "",
            languages=tuple(c["languages"]),
            understood=tuple(c["understood"]),
            min_words=c["min_words"],
            min_confidence=c["min_confidence"],
            margin=c["margin"],
        )
        if not verdict:
            return
        if verdict.confidence >= c["strong_confidence"] or current in c["weak_override"]:
            message.set("language", verdict.language, add_to_output=True)
            _set_intent(message, c["intent"], 1.0, "LanguageGate")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyGate(_Gate):
    """Promotes crisis / immediate_danger / child_at_risk over any other intent."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"min_confidence": 0.3, "rules": "content/safety.yml"}

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        path = Path(config["rules"])
        self._rules = safety.load_rules(str(path if path.is_absolute() else _ROOT / path))

    def process_message(self, message: Message) -> None:
        intent: Optional[Dict[Text, Any]] = message.get(INTENT) or {}
        ranking = [(r.get("name"), r.get("confidence", 0.0)) for r in message.get(INTENT_RANKING_KEY) or []]
        if intent.get("name") == "other_language":
            # The classifier's ranking means nothing for another language; the phrases still do.
            name = safety.sure_intent(message.get(TEXT) or "", self._rules)
        else:
            name = safety.safety_intent(
                message.get(TEXT) or "", intent.get("name"), ranking, self.config["min_confidence"], self._rules
            )
        if name and name != intent.get("name"):
            confidence = max([c for n, c in ranking if n == name] + [intent.get("confidence") or 0.0])
            _set_intent(message, name, max(confidence, 0.9), "SafetyGate")
