"""CountVectorsFeaturizer as config.yml names it (`bot.rasa_plugins.featurizers.…`).

Rasa's featurizer, subclassed (same class name, so its persisted vocabulary files keep Rasa's
names). With `bot.speedups` enabled, `process` turns the tokens of all messages of a batch into
counts with one `transform` per attribute (`bot.speedups.batch_predict.count_features`: the same
matrices as one message at a time); otherwise, and for one message, it is Rasa's.
"""

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer import count_vectors_featurizer
from rasa.shared.nlu.training_data.message import Message

from bot import speedups
from bot.speedups.batch_predict import count_features


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class CountVectorsFeaturizer(count_vectors_featurizer.CountVectorsFeaturizer):
    """Rasa's CountVectorsFeaturizer, featurizing a batch of messages at once."""

    def process(self, messages: List[Message]) -> List[Message]:
        if len(messages) < 2 or self.vectorizers is None or not speedups.enabled():
            return super().process(messages)
        for attribute in self._attributes:
            all_tokens = [self._get_processed_message_tokens_by_attribute(m, attribute) for m in messages]
            sequences, sentences = count_features(self, attribute, all_tokens)
            for message, sequence, sentence in zip(messages, sequences, sentences):
                self.add_features_to_message(sequence, sentence, attribute, message)
        return messages
