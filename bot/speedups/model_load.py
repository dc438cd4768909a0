"""Load a DIET or ResponseSelector model without tracing its training step.

Rasa 3.6 builds a model's weights at load time by training it on one example
(`RasaModel.load` → `model.fit`), which makes TensorFlow trace the whole training step: gradients,
optimizer, losses. For this project that took most of the ~50 s from `rasa run` to a server that
answers, and the traced training graph and the optimizer's state stayed in memory for good (about
1 GB), although a running assistant never trains.

`load_without_tracing` runs that one build step eagerly (no tracing; the weights get their shapes
the same way), then switches the model back to compiled prediction: the prediction function is
traced once, as before, and answers exactly as before (tested: same intents and confidences as
Rasa's own loading). Called by the model classes of `bot.rasa_plugins.models`; training and
finetuning are not touched.
"""

import logging
from typing import Any, Optional

logger = logging.getLogger(__name__)


def load_without_tracing(
    model_class: Any,
    model_file_name: str,
    model_data_example: Any,
    predict_data_example: Optional[Any] = None,
    *args: Any,
    **kwargs: Any,
) -> Any:
    """A model of `model_class` with the weights of `model_file_name`, ready to predict."""
    import tensorflow as tf
    from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator

    model = model_class(*args, **kwargs)
    learning_rate = kwargs.get("config", {}).get("learning_rate", 0.001)
    # One eager step on one example gives every weight its shape, without tracing.
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate), run_eagerly=True)
    model.fit(RasaBatchDataGenerator(model_data_example, batch_size=1), verbose=False)
    model.load_weights(model_file_name).expect_partial()
    model._run_eagerly = False  # predictions as compiled graphs again (Rasa's default)
    model.optimizer = None  # its state is only needed for training
    if predict_data_example:
        model.run_inference(predict_data_example)  # trace the prediction function now
    logger.debug("Loaded %s from %s without tracing the training step", model_class.__name__, model_file_name)
    return model
