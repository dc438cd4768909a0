"""The TensorFlow model classes behind our DIETClassifier and ResponseSelector.

Subclasses of Rasa's DIET, DIET2BOW and DIET2DIET with the same layers and weights (a model trained
by stock Rasa loads into them and the other way round). With `bot.speedups` enabled they load
without tracing the training step (`bot.speedups.model_load`) and call their compiled prediction
function directly (`bot.speedups.model_predict`); otherwise, and for finetuning, they are Rasa's.
"""

from typing import Any, Dict

from rasa.nlu.classifiers.diet_classifier import DIET
from rasa.nlu.selectors.response_selector import DIET2BOW, DIET2DIET

from bot import speedups
from bot.speedups.model_load import load_without_tracing
from bot.speedups.model_predict import predict_directly


class _FastModel:
    """Mixin for a RasaModel subclass: load and predict through the speed-ups when enabled."""

    @classmethod
    def load(
        cls,
        model_file_name: str,
        model_data_example: Any,
        predict_data_example: Any = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        if finetune_mode or not speedups.enabled():
            return super().load(
                model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs
            )
        return load_without_tracing(cls, model_file_name, model_data_example, predict_data_example, *args, **kwargs)

    def _rasa_predict(self, batch_in: Any) -> Dict[str, Any]:
        outputs = predict_directly(self, batch_in) if speedups.enabled() else None
        return outputs if outputs is not None else super()._rasa_predict(batch_in)


class FastDIET(_FastModel, DIET):
    """DIETClassifier's model."""


class FastDIET2BOW(_FastModel, DIET2BOW):
    """ResponseSelector's model (answers as labels)."""


class FastDIET2DIET(_FastModel, DIET2DIET):
    """ResponseSelector's model with `use_text_as_label: true`."""
