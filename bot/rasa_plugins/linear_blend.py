"""Rasa components: blend DIET's intents and the ResponseSelector's FAQ topics with a linear model.

- `LinearBlend` (right after DIETClassifier) trains `bot.domain.linear_classifier.LinearModel` on the folded
  words of the training examples, or their lemmas with `use_lemma` (full names: `faq/law`). For each message it sets the intent ranking to
  (1 − intent_weight) · DIET + intent_weight · linear model (FAQ topics summed into `faq`), and
  keeps the model's probabilities on the message for the second step. config.yml names no DIET and
  sets `intent_weight: 1.0`: the linear model alone is the intent classifier (measured in
  docs/design.md, «Why this pipeline»). The ResponseSelector, which
  runs only when `faq` is among the best intents (bot/speedups/selective_selector.py), then sees the
  blended ranking.
- `TopicBlend` (right after the ResponseSelector) sets the FAQ topic ranking to
  (1 − topic_weight) · ResponseSelector + topic_weight · linear model, for the messages the
  selector ran on. With `linear_only` it needs no ResponseSelector: the topic ranking of its
  retrieval intent is the linear model's alone (the buyer's reasons, `myth/*`: four topics that the
  regression tells apart without a second neural selector to train).

LocationExtractor, the FallbackClassifier and the gates come later and judge the blended answer.
The weights are in config.yml, chosen on the cross-validation folds. The logic lives in
`bot.domain.linear_classifier`; these are only the adapters.
"""

from typing import Any, Dict, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    TOKENS_NAMES,
)
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.domain.linear_classifier import LinearModel, blend_intents, blend_topics
from bot.rasa_plugins.payloads import selector_prediction

# Where LinearBlend leaves the linear model's probabilities for TopicBlend (not in the parse output).
PROBABILITIES = "linear_model_probabilities"


def words(message: Message, use_lemma: bool = True) -> List[str]:
    """The message's tokens as the tokenizer left them: folded lemmas, or with `use_lemma` off the
    folded words themselves (as Rasa's CountVectorsFeaturizer's option of the same name)."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    return [(t.lemma or t.text) if use_lemma else t.text for t in tokens]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearBlend(GraphComponent, IntentClassifier):
    """Averages DIET's intent ranking with a logistic regression's."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent_weight": 0.7,
            "use_lemma": True,
            "C": 30.0,
            "min_df": 2,
            "word_max_n": 2,
            "char_min_n": 2,
            "char_max_n": 5,
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[LinearModel] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage, self._resource = model_storage, resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LinearBlend":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        c = self._config
        self._model = LinearModel.fit(
            [words(m, bool(c["use_lemma"])) for m in examples],
            [m.get_full_intent() for m in examples],
            c=float(c["C"]),
            min_df=int(c["min_df"]),
            word_max_n=int(c["word_max_n"]),
            char_min_n=int(c["char_min_n"]),
            char_max_n=int(c["char_max_n"]),
        )
        with self._storage.write_to(self._resource) as directory:
            self._model.save(directory)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LinearBlend":
        try:
            with model_storage.read_from(resource) as directory:
                model = LinearModel.load(directory)
        except ValueError:  # not trained (no examples): pass DIET's answer through
            model = None
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._model is None:
            return messages
        length = int(self._config["ranking_length"])
        for message in messages:
            probabilities = self._model.predict(words(message, bool(self._config["use_lemma"])))
            message.set(PROBABILITIES, probabilities)
            ranking = blend_intents(
                message.get(INTENT_RANKING_KEY) or [], probabilities, float(self._config["intent_weight"])
            )
            message.set(INTENT, dict(ranking[0]), add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[:length] if length else ranking, add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class TopicBlend(GraphComponent):
    """Averages the ResponseSelector's topic ranking with the linear model's (from LinearBlend)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"retrieval_intent": "faq", "topic_weight": 0.5, "ranking_length": 10, "linear_only": False}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = {**self.get_default_config(), **config}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TopicBlend":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        retrieval_intent = self._config["retrieval_intent"]
        length = int(self._config["ranking_length"])
        linear_only = bool(self._config["linear_only"])
        for message in messages:
            probabilities = message.get(PROBABILITIES)
            if not probabilities:
                continue
            selector = dict(message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {})
            if linear_only:
                topics = blend_topics([], probabilities, 1.0, retrieval_intent)
            else:
                neural = (selector.get(retrieval_intent) or {}).get(RESPONSE_SELECTOR_RANKING_KEY)
                if not neural:  # the selector did not run: the topic cannot matter for this message
                    continue
                topics = blend_topics(neural, probabilities, float(self._config["topic_weight"]), retrieval_intent)
            if not topics:
                continue
            intent, key = topics[0]["intent_response_key"].split("/", 1)
            selector[retrieval_intent] = selector_prediction(
                intent, key, confidence=topics[0]["confidence"], ranking=topics[:length] if length else topics
            )
            message.set(RESPONSE_SELECTOR_PROPERTY_NAME, selector, add_to_output=True)
        return messages
