"""bot.speedups.model_load, through bot.rasa_plugins.models: the NLU models are loaded with exactly the
trained weights, predict as compiled graphs, and keep no optimizer state. (That the model classes
take Rasa's `load` with the speed-ups off: tests/speedups/test_switch.py.)"""

import tarfile

import numpy as np
import pytest
import yaml

from bot.paths import ROOT
from bot.rasa_plugins.models import FastDIET, FastDIET2BOW, FastDIET2DIET

from .helpers import nodes


def _neural_components(parser):
    return {
        name: node._component
        for name, node in nodes(parser).items()
        if getattr(getattr(node, "_component", None), "model", None) is not None
        and hasattr(node._component.model, "run_inference")
    }


@pytest.fixture(scope="module")
def checkpoints(model_path, tmp_path_factory):
    """Every weight stored in the model archive, per component (train_…DIETClassifier3 → arrays)."""
    import tensorflow as tf

    root = tmp_path_factory.mktemp("model")
    with tarfile.open(model_path) as archive:
        archive.extractall(root)
    found = {}
    for index in root.rglob("*.tf_model.index"):
        reader = tf.train.load_checkpoint(str(index)[: -len(".index")])
        found[index.parent.name] = [
            reader.get_tensor(k)
            for k in reader.get_variable_to_shape_map()
            if "/.OPTIMIZER_SLOT/" not in k and k.startswith("model/")
        ]
    return found


def test_neural_components_loaded_fast(parser):
    components = _neural_components(parser)
    named = {c["name"].rsplit(".", 1)[-1] for c in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]}
    assert {type(c).__name__ for c in components.values()} == named & {"DIETClassifier", "ResponseSelector"}
    assert components, "config.yml names no neural component"
    for component in components.values():
        model = component.model
        assert isinstance(model, (FastDIET, FastDIET2BOW, FastDIET2DIET)), type(model)
        assert model.optimizer is None, "optimizer state kept in memory"
        assert model._run_eagerly is False, "predictions would run eagerly (slow)"
        assert model._tf_predict_step is not None, "prediction function not traced at load"


def _is_stored(weight, stored) -> bool:
    """Equal to a stored array, or – Rasa's RandomlyConnectedDense keeps kernel × mask in
    memory, with its own loading too – to the product of two stored arrays of its shape."""
    same = [s for s in stored if s.shape == weight.shape]
    if any(np.array_equal(s, weight) for s in same):
        return True
    return any(np.allclose(a * b, weight) for i, a in enumerate(same) for b in same[i + 1 :])


def test_loaded_weights_are_the_trained_weights(parser, checkpoints):
    for name, component in _neural_components(parser).items():
        stored = checkpoints[name.replace("run_", "train_", 1)]
        weights = [w.numpy() for w in component.model.weights]
        assert weights, name
        for w in weights:
            assert _is_stored(w, stored), f"{name}: a weight of shape {w.shape} differs from the trained model"
