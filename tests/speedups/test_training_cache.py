"""bot.speedups.training_cache and DIETClassifier.train: an answer's text changes nothing the NLU
steps are trained on, and DIET leaves the shared training data as it found it (no training here)."""

from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.speedups import training_cache


def _data(answer: str, extra_example: bool = False) -> TrainingData:
    examples = [
        Message(data={"text": "vad säger lagen", "intent": "faq", "intent_response_key": "faq/law"}),
        Message(data={"text": "hej", "intent": "greet"}),
    ]
    if extra_example:
        examples.append(Message(data={"text": "är sexköp olagligt", "intent": "faq", "intent_response_key": "faq/law"}))
    return TrainingData(examples, responses={"utter_faq/law": [{"text": answer}]})


def test_answer_text_does_not_change_the_nlu_fingerprint():
    before = training_cache.without_answer_texts(_data("Sedan 1999 är det olagligt."))
    after = training_cache.without_answer_texts(_data("Sedan 1 januari 1999 är det olagligt."))
    assert _data("a").fingerprint() != _data("b").fingerprint()  # Rasa's own behaviour
    assert before.fingerprint() == after.fingerprint()
    assert after.responses == {"utter_faq/law": [{"text": "utter_faq/law"}]}
    assert after.intent_examples[0].get("intent_response_key") == "faq/law"


def test_new_examples_still_change_it():
    assert (
        training_cache.without_answer_texts(_data("x")).fingerprint()
        != training_cache.without_answer_texts(_data("x", extra_example=True)).fingerprint()
    )


def test_the_provider_hands_out_data_without_answer_texts(monkeypatch):
    from rasa.graph_components.providers.nlu_training_data_provider import NLUTrainingDataProvider

    monkeypatch.setattr(NLUTrainingDataProvider, "provide", lambda self, importer: _data("Ett svar."))
    training_cache.install()
    provided = NLUTrainingDataProvider.provide(object(), None)
    assert provided.responses == {"utter_faq/law": [{"text": "utter_faq/law"}]}


def test_diet_training_leaves_the_examples_as_they_were(monkeypatch):
    """Our DIETClassifier restores what Rasa's DIET writes into the shared examples (BILOU tags)."""
    from rasa.nlu.classifiers import diet_classifier

    from bot.rasa_plugins.classifiers import DIETClassifier

    def fake_train(self, training_data):
        for m in training_data.training_examples:
            m.set("entities_bilou", ["O"])  # what apply_bilou_schema does
        return "resource"

    from bot.rasa_plugins.classifiers import ResponseSelector

    monkeypatch.setattr(diet_classifier.DIETClassifier, "train", fake_train)
    for component in (DIETClassifier, ResponseSelector):  # the selector inherits Rasa's DIET training
        data = _data("svar")
        before = data.fingerprint()
        assert component.train(object.__new__(component), data) == "resource"
        assert data.fingerprint() == before, component.__name__


def test_training_graph_passes_rasas_validation():
    """Rasa validates every component of the training graph before it trains (no training here):
    with the patch installed and our subclasses named in config.yml."""
    import rasa.engine.validation
    from rasa.engine.recipes.recipe import Recipe
    from rasa.shared.data import TrainingType
    from rasa.shared.importers.importer import TrainingDataImporter

    from bot.paths import ROOT

    training_cache.install()
    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )
    config = importer.get_config()
    recipe = Recipe.recipe_for_name(config.get("recipe"))
    config, _, _ = recipe.auto_configure(importer.get_config_file_for_auto_config(), config, TrainingType.BOTH)
    rasa.engine.validation.validate(recipe.graph_config_for_recipe(config, {}, training_type=TrainingType.BOTH))
