"""Let the featurizers, DIETClassifier and ResponseSelector handle a list of messages in one call.

Rasa 3.6 calls the model once per message inside `process(messages)`, even when the graph hands it
several messages (`bot.speedups.batched_parse` parses the messages of concurrent users together). Most of the
cost of such a call does not depend on how many messages it carries: combining the sparse features
into model data and entering TensorFlow (profiled under 50 users: about a third of Rasa's CPU time
per message, for two models).

`batch_outputs` builds the model data for all messages at once, runs one inference with the whole
list as the batch and cuts the outputs into one slice per message; the components of
`bot.rasa_plugins.classifiers` then let Rasa's own `process` handle every message as before, with
`_predict` answering from those slices. One message, messages without features (Rasa predicts nothing for them), long
messages (over MAX_TOKENS tokens, `NLU_BATCH_MAX_TOKENS`) and outputs that cannot be split row by
row take Rasa's path unchanged.
The predictions are the same as one by one (tested: same intents, confidences within 1e-5).
`count_features` likewise turns all messages' tokens into counts with one `transform` for
`bot.rasa_plugins.featurizers.CountVectorsFeaturizer` (the same matrices as one by one).
"""

import os
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
from rasa.shared.nlu.training_data.message import Message

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
        return value[i : i + 1]
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
    usable = [
        m
        for m in messages
        if len(m.get(TOKENS_NAMES[TEXT]) or ()) <= MAX_TOKENS
        and m.features_present(attribute=TEXT, featurizers=featurizers)
    ]
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
        sequence = sequences_all[start : start + len(tokens)]
        start += len(tokens)
        sequence.sort_indices()
        sequences.append(sequence.tocoo())
        if sentences_all is None:
            sentences.append(None)
            continue
        sentence = sentences_all[row : row + 1]
        row += 1
        sentence.sort_indices()
        sentences.append(sentence.tocoo())
    return sequences, sentences
