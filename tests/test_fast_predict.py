"""bot.nlu.fast_predict: calling the compiled NLU graphs directly gives exactly Rasa's predictions."""
import json

import numpy as np
from rasa.utils.tensorflow import models

from bot.evaluation import load_examples
from bot.nlu import fast_predict

from conftest import ROOT


def _same(a, b) -> bool:
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def _neural_models(parser):
    nodes = parser.agent.processor.graph_runner._instantiated_nodes
    return [node._component.model for node in nodes.values()
            if hasattr(getattr(getattr(node, "_component", None), "model", None), "run_inference")]


def test_install_is_idempotent(parser):
    fast_predict.install()
    first = models.RasaModel._rasa_predict
    fast_predict.install()
    assert models.RasaModel._rasa_predict is first and getattr(first, "_bot_fast_predict", False)


def test_parses_are_identical_to_rasas_path(parser, monkeypatch):
    """Intents, confidences, rankings and response selections of held-out messages, both ways."""
    texts = [e.text for e in load_examples(str(ROOT / "tests" / "nlu_holdout.yml"))[::6]]
    assert len(texts) > 80
    ours = [parser.parse(t) for t in texts]
    assert all(getattr(m, "_bot_concrete", None) is not None for m in _neural_models(parser)), \
        "the direct call was not used"
    calls = []
    monkeypatch.setattr(fast_predict, "_direct_call", lambda model, batch: calls.append(1))  # → Rasa's path
    theirs = [parser.parse(t) for t in texts]
    assert calls, "Rasa's path was not taken"
    assert _same(theirs, ours)


def test_inputs_of_another_type_take_rasas_path(parser):
    model = _neural_models(parser)[0]
    parser.parse("hej")  # compiled function looked up
    wrong = [np.zeros((1, 1), dtype=np.float16)] * len(model._bot_dtypes)
    assert fast_predict._direct_call(model, wrong) is None
    assert fast_predict._direct_call(model, wrong[:-1]) is None
