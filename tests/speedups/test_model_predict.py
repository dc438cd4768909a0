"""bot.speedups.model_predict, through bot.rasa_plugins.models: calling the compiled NLU graphs
directly gives exactly Rasa's predictions."""

import numpy as np
from rasa.utils.tensorflow.models import RasaModel

from bot.rasa_plugins import models
from bot.speedups import model_predict

from .helpers import holdout_texts, neural_models, same, select_everywhere


def test_parses_are_identical_to_rasas_path(parser, fast, rasa_code, monkeypatch):
    """Intents, confidences, rankings and response selections of held-out messages, with the
    speed-ups on and with Rasa's own code (the selector run everywhere in both)."""
    select_everywhere(parser, monkeypatch)
    texts = holdout_texts(step=6)
    assert len(texts) > 80
    ours = [parser.parse(t) for t in texts]
    assert all(getattr(m, "_bot_concrete", None) is not None for m in neural_models(parser)), (
        "the direct call was not used"
    )
    direct, rasa = [], []
    monkeypatch.setattr(models, "predict_directly", lambda model, batch: direct.append(1))
    rasa_predict = RasaModel._rasa_predict
    monkeypatch.setattr(RasaModel, "_rasa_predict", lambda self, batch: rasa.append(1) or rasa_predict(self, batch))
    rasa_code()
    theirs = [parser.parse(t) for t in texts]
    assert rasa and not direct, "Rasa's path was not taken"
    assert same(theirs, ours)


def test_inputs_of_another_type_take_rasas_path(parser, fast):
    model = neural_models(parser)[0]
    parser.parse("hej")  # compiled function looked up
    wrong = [np.zeros((1, 1), dtype=np.float16)] * len(model._bot_dtypes)
    assert model_predict._direct_call(model, wrong) is None
    assert model_predict._direct_call(model, wrong[:-1]) is None
