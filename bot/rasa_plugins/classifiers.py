"""DIETClassifier and ResponseSelector as config.yml names them (`bot.rasa_plugins.classifiers.…`).

Rasa's components, subclassed (same class names, so the files they persist keep Rasa's names):

- both use the model classes of `bot.rasa_plugins.models` (fast loading and prediction);
- with `bot.speedups` enabled, `process` predicts all messages of a batch in one inference
  (`bot.speedups.batch_predict`; the batched parse hands several messages at once);
- the ResponseSelector runs only for messages where its retrieval intent is among the
  `only_if_intent_in_top` best intents (`bot.speedups.selective_selector`); elsewhere it records
  that it has nothing to say, as Rasa's does for an empty ranking;
- `train` (both) leaves the training data as it found it. Rasa's DIET writes BILOU entity
  tags into the examples it is given, and DIET, EntitySynonymMapper and ResponseSelector train on
  the same object; Rasa computes each step's cache key from that object just before the step
  runs, so after DIET trained, the later steps were cached under keys that the next training (DIET
  from the cache, data unchanged) never asks for, and the ResponseSelector trained again every time.
  That is a correctness fix of the training cache and stays on with the speed-ups off.
"""

from typing import Any, Dict, List, Optional, Type

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers import diet_classifier
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME, RESPONSE_SELECTOR_RETRIEVAL_INTENTS
from rasa.nlu.selectors import response_selector
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.models import RasaModel

from bot import speedups
from bot.rasa_plugins.models import FastDIET, FastDIET2BOW, FastDIET2DIET
from bot.speedups.batch_predict import batch_outputs
from bot.speedups.selective_selector import CONFIG_KEY, may_be_retrieval


class _LeavesDataUnchanged:
    """Mixin: `train` restores the training examples' data afterwards (see the module docstring)."""

    def train(self, training_data: TrainingData) -> Resource:
        saved = [(m, dict(m.data)) for m in training_data.training_examples]
        try:
            return super().train(training_data)
        finally:
            for message, data in saved:
                message.data = data


class _BatchedPrediction:
    """Mixin: `process` predicts a list of messages in one inference (speed-ups enabled)."""

    _bot_slices: Optional[Dict[int, Dict[str, Any]]] = None

    def _process_batched(self, messages: List[Message], process) -> List[Message]:
        slices = batch_outputs(self, messages) if speedups.enabled() else None
        if slices is None:
            return process(messages)
        self._bot_slices = slices
        try:
            return process(messages)
        finally:
            self._bot_slices = None

    def _predict(self, message: Message) -> Optional[Dict[str, Any]]:
        slices = self._bot_slices
        if slices is not None and id(message) in slices:
            return slices[id(message)]
        return super()._predict(message)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class DIETClassifier(_LeavesDataUnchanged, _BatchedPrediction, diet_classifier.DIETClassifier):
    """Rasa's DIETClassifier with batched prediction, the fast model class and a clean `train`."""

    @staticmethod
    def model_class() -> Type[RasaModel]:
        return FastDIET

    def process(self, messages: List[Message]) -> List[Message]:
        return self._process_batched(messages, super().process)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class ResponseSelector(_LeavesDataUnchanged, _BatchedPrediction, response_selector.ResponseSelector):
    """Rasa's ResponseSelector, run only where its answer can matter, with batched prediction."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**response_selector.ResponseSelector.get_default_config(), CONFIG_KEY: None}

    @staticmethod
    def model_class(use_text_as_label: bool) -> Type[RasaModel]:  # type: ignore[override]
        return FastDIET2DIET if use_text_as_label else FastDIET2BOW

    def process(self, messages: List[Message]) -> List[Message]:
        top = self.component_config.get(CONFIG_KEY)
        if not top or not speedups.enabled():
            return self._process_batched(messages, super().process)
        wanted = [m for m in messages if may_be_retrieval(m, self.retrieval_intent, int(top))]
        chosen = {id(m) for m in wanted}
        for message in messages:
            if id(message) not in chosen:
                properties = message.get(RESPONSE_SELECTOR_PROPERTY_NAME, {})
                properties[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = self.all_retrieval_intents
                message.set(RESPONSE_SELECTOR_PROPERTY_NAME, properties, add_to_output=True)
        if wanted:
            self._process_batched(wanted, super().process)
        return messages
