"""bot.nlu.fast_load: the NLU models are loaded with exactly the trained weights, predict as
compiled graphs, and keep no optimizer state."""
import tarfile

import numpy as np
import pytest


def _neural_components(parser):
    nodes = parser.agent.processor.graph_runner._instantiated_nodes
    return {name: node._component for name, node in nodes.items()
            if getattr(getattr(node, "_component", None), "model", None) is not None
            and hasattr(node._component.model, "run_inference")}


@pytest.fixture(scope="module")
def checkpoints(model_path, tmp_path_factory):
    """Every weight stored in the model archive, per component (train_DIETClassifier3 → arrays)."""
    import tensorflow as tf

    root = tmp_path_factory.mktemp("model")
    with tarfile.open(model_path) as archive:
        archive.extractall(root)
    found = {}
    for index in root.rglob("*.tf_model.index"):
        reader = tf.train.load_checkpoint(str(index)[: -len(".index")])
        found[index.parent.name] = [reader.get_tensor(k) for k in reader.get_variable_to_shape_map()
                                    if "/.OPTIMIZER_SLOT/" not in k and k.startswith("model/")]
    return found


def test_install_patches_load_once():
    from rasa.utils.tensorflow import models

    from bot.nlu import fast_load

    fast_load.install()
    first = models.RasaModel.load
    fast_load.install()
    assert models.RasaModel.load.__func__ is first.__func__
    assert getattr(models.RasaModel.load, "_bot_fast_load", False)


def test_diet_and_response_selector_loaded_fast(parser):
    components = _neural_components(parser)
    assert {type(c).__name__ for c in components.values()} == {"DIETClassifier", "ResponseSelector"}
    for component in components.values():
        model = component.model
        assert model.optimizer is None, "optimizer state kept in memory"
        assert model._run_eagerly is False, "predictions would run eagerly (slow)"
        assert model._tf_predict_step is not None, "prediction function not traced at load"


def _is_stored(weight, stored) -> bool:
    """Equal to a stored array, or – Rasa's RandomlyConnectedDense keeps kernel × mask in
    memory, with its own loading too – to the product of two stored arrays of its shape."""
    same = [s for s in stored if s.shape == weight.shape]
    if any(np.array_equal(s, weight) for s in same):
        return True
    return any(np.allclose(a * b, weight) for i, a in enumerate(same) for b in same[i + 1:])


def test_loaded_weights_are_the_trained_weights(parser, checkpoints):
    for name, component in _neural_components(parser).items():
        stored = checkpoints[name.replace("run_", "train_")]
        weights = [w.numpy() for w in component.model.weights]
        assert weights, name
        for w in weights:
            assert _is_stored(w, stored), f"{name}: a weight of shape {w.shape} differs from the trained model"
