"""Call a DIET or ResponseSelector model's compiled prediction function directly.

Rasa 3.6 predicts through a `tf.function` with a fixed input signature. Each call then goes through
TensorFlow's generic dispatch: it binds and checks the ~30 inputs against the signature and looks
the compiled function up again, which took about as long as the prediction itself (profiled under
load: 15 % of Rasa's CPU time per message, against 6 % for running the graph).

`predict_directly` looks the compiled function up once per model and then calls it with the inputs
as a flat list of tensors. The graph, the weights and the outputs are the same (tested: identical
intents and confidences). Called by the model classes of `bot.rasa_plugins.models`; inputs whose
types differ from the signature, eager models and training take Rasa's path.
"""

from typing import Any, Dict, Optional


def _direct_call(model: Any, batch_in: Any) -> Optional[Any]:
    """Raw outputs of the compiled prediction function for `batch_in`, or None to use Rasa's path."""
    import tensorflow as tf

    concrete = getattr(model, "_bot_concrete", None)
    if concrete is None:
        concrete = model._tf_predict_step.get_concrete_function()
        specs = concrete.structured_input_signature[0][0]
        model._bot_concrete = concrete
        model._bot_dtypes = [spec.dtype.as_numpy_dtype for spec in specs]
    if len(batch_in) != len(model._bot_dtypes) or any(
        getattr(x, "dtype", None) != dtype for x, dtype in zip(batch_in, model._bot_dtypes)
    ):
        return None
    tensors = [tf.convert_to_tensor(x) for x in batch_in]
    return concrete._call_flat(tensors, concrete.captured_inputs)


def predict_directly(model: Any, batch_in: Any) -> Optional[Dict[str, Any]]:
    """What `RasaModel._rasa_predict(batch_in)` returns, computed directly; None when Rasa's
    path must run (eager model, not prepared for prediction, inputs of other types)."""
    from keras.utils import tf_utils
    from rasa.shared.constants import DIAGNOSTIC_DATA

    if model._run_eagerly or model._tf_predict_step is None or not model.prepared_for_prediction:
        return None
    model._training = False
    raw = _direct_call(model, batch_in)
    if raw is None:
        return None
    outputs = tf_utils.sync_to_numpy_or_python_type(raw)
    if DIAGNOSTIC_DATA in outputs:
        outputs[DIAGNOSTIC_DATA] = model._empty_lists_to_none_in_dict(outputs[DIAGNOSTIC_DATA])
    return outputs
