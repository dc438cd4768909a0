"""Let the featurizers, DIETClassifier and ResponseSelector handle a list of messages in one call.

Rasa 3.6 calls the model once per message inside `process(messages)`, even when the graph hands it
several messages (`bot.fast_parse` parses the messages of concurrent users together). Most of the
cost of such a call does not depend on how many messages it carries: combining the sparse features
into model data and entering TensorFlow (profiled under 50 users: about a third of Rasa's CPU time
per message, for two models).

With `install()`, `process` of both classes builds the model data for all messages at once, runs
one inference with the whole list as the batch, cuts the outputs into one slice per message and
then lets Rasa's own `process` handle every message as before, with `_predict` answering from
those slices. One message, messages without features (Rasa predicts nothing for them), long
messages (over MAX_TOKENS tokens, `NLU_BATCH_MAX_TOKENS`) and outputs that cannot be split row by
row take Rasa's path unchanged.
The predictions are the same as one by one (tested: same intents, confidences within 1e-5).
CountVectorsFeaturizer likewise turns all messages' tokens into counts with one `transform`
(`count_features`; the same matrices as one by one).
"""
import os
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from rasa.shared.nlu.training_data.message import Message

from bot.patching import patch_once

_MARK = "_bot_batch_predict"
_SLICES = "_bot_batch_slices"

# A batch is padded to its longest message, and DIET's attention grows with the square of that
# length: one 10,000-character message in a batch of 32 took 0.7–7 s and 2 GB. Messages with more
# tokens than this are predicted alone, as Rasa does (the web front lets through 1,000 characters).
MAX_TOKENS = int(os.environ.get("NLU_BATCH_MAX_TOKENS", "64"))


class _NotByRow(Exception):
    """An output that is not one row per message."""


def _row(value: Any, i: int, n: int) -> Any:
    """Row `i` of a batched output, kept as a batch of one (None stays None)."""
    if value is None:
        return None
    if isinstance(value, np.ndarray) and value.ndim and value.shape[0] == n:
        return value[i:i + 1]
    if isinstance(value, dict):
        return {key: _row(item, i, n) for key, item in value.items()}
    raise _NotByRow(type(value).__name__)


def split_outputs(outputs: Dict[str, Any], n: int) -> Optional[List[Dict[str, Any]]]:
    """The outputs of one inference over `n` messages as `n` outputs of one message each, or None
    when some output does not have one row per message."""
    try:
        return [{key: _row(value, i, n) for key, value in outputs.items()} for i in range(n)]
    except _NotByRow:
        return None


def batch_outputs(component: Any, messages: List[Message]) -> Optional[Dict[int, Dict[str, Any]]]:
    """One inference of `component` (DIET or a ResponseSelector) over the `messages` that have
    features (an empty or emoji-only message has none; Rasa predicts nothing for it) and at most
    MAX_TOKENS tokens, as {id(message): its outputs}; None when Rasa's per-message path should run
    for all. The others are predicted alone by Rasa's `_predict`."""
    from rasa.nlu.constants import TOKENS_NAMES
    from rasa.shared.nlu.constants import TEXT
    from rasa.utils.tensorflow.constants import FEATURIZERS

    if len(messages) < 2 or getattr(component, "model", None) is None:
        return None
    featurizers = component.component_config.get(FEATURIZERS)
    usable = [m for m in messages if len(m.get(TOKENS_NAMES[TEXT]) or ()) <= MAX_TOKENS
              and m.features_present(attribute=TEXT, featurizers=featurizers)]
    if len(usable) < 2:
        return None
    model_data = component._create_model_data(usable, training=False)
    if model_data.is_empty() or model_data.number_of_examples() != len(usable):
        return None
    slices = split_outputs(component.model.run_inference(model_data, batch_size=len(usable)), len(usable))
    return None if slices is None else {id(m): out for m, out in zip(usable, slices)}


def count_features(featurizer: Any, attribute: str, all_tokens: List[List[str]]) -> Tuple[list, list]:
    """CountVectorsFeaturizer's sequence and sentence features of many token lists, from one
    `transform` of all tokens and one of all sentences (Rasa transforms each message alone; the
    counts of a row do not depend on the other rows). None where a message has no tokens."""
    from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES

    none = [None] * len(all_tokens)
    vectorizer = (featurizer.vectorizers or {}).get(attribute)
    flat = [token for tokens in all_tokens for token in tokens]
    if not vectorizer or not flat:
        return none, list(none)
    sequences_all = vectorizer.transform(flat)
    with_sentence = attribute in DENSE_FEATURIZABLE_ATTRIBUTES
    sentences_all = vectorizer.transform([" ".join(t) for t in all_tokens if t]) if with_sentence else None
    sequences, sentences = [], []
    start = row = 0
    for tokens in all_tokens:
        if not tokens:
            sequences.append(None)
            sentences.append(None)
            continue
        sequence = sequences_all[start:start + len(tokens)]
        start += len(tokens)
        sequence.sort_indices()
        sequences.append(sequence.tocoo())
        if sentences_all is None:
            sentences.append(None)
            continue
        sentence = sentences_all[row:row + 1]
        row += 1
        sentence.sort_indices()
        sentences.append(sentence.tocoo())
    return sequences, sentences


def install() -> None:
    """Patch `DIETClassifier.process`, `ResponseSelector.process`, `DIETClassifier._predict`
    (which the selector inherits) and `CountVectorsFeaturizer.process`. Idempotent; training is
    not touched."""
    from rasa.nlu.classifiers.diet_classifier import DIETClassifier
    from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
    from rasa.nlu.selectors.response_selector import ResponseSelector

    def make_featurize(original):
        def process(self, messages: List[Message]) -> List[Message]:
            if len(messages) < 2 or self.vectorizers is None:
                return original(self, messages)
            for attribute in self._attributes:
                all_tokens = [self._get_processed_message_tokens_by_attribute(m, attribute) for m in messages]
                sequences, sentences = count_features(self, attribute, all_tokens)
                for message, sequence, sentence in zip(messages, sequences, sentences):
                    self.add_features_to_message(sequence, sentence, attribute, message)
            return messages

        return process

    def make_process(original):
        def process(self, messages: List[Message]) -> List[Message]:
            slices = batch_outputs(self, messages)
            if slices is None:
                return original(self, messages)
            setattr(self, _SLICES, slices)
            try:
                return original(self, messages)
            finally:
                setattr(self, _SLICES, None)

        return process

    def make_predict(original):
        def _predict(self, message: Message) -> Optional[Dict[str, Any]]:
            slices = getattr(self, _SLICES, None)
            if slices is not None and id(message) in slices:
                return slices[id(message)]
            return original(self, message)

        return _predict

    patch_once(DIETClassifier, "_predict", _MARK, make_predict)
    patch_once(DIETClassifier, "process", _MARK, make_process)
    patch_once(ResponseSelector, "process", _MARK, make_process)
    patch_once(CountVectorsFeaturizer, "process", _MARK, make_featurize)
