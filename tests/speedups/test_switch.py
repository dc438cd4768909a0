"""bot.speedups: the switch (BOT_SPEEDUPS=0), the version guard, `uninstall`, and the components of
bot.rasa_plugins running Rasa's own code when the speed-ups are off. No trained model needed."""

import logging

import pytest
from rasa.core.policies import rule_policy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers import diet_classifier
from rasa.nlu.featurizers.sparse_featurizer import count_vectors_featurizer
from rasa.nlu.selectors import response_selector
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.models import RasaModel

from bot import speedups
from bot.rasa_plugins import classifiers, featurizers, models, policies


def _patched_methods():
    """(owner, attribute) of every method the runtime patches replace."""
    from rasa.core import run
    from rasa.core.processor import MessageProcessor
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.graph_components.providers.nlu_training_data_provider import NLUTrainingDataProvider
    from rasa.shared.core.events import Event
    from rasa.shared.nlu.training_data.features import Features

    return [
        (Event, "resolve_by_type"),
        (DaskGraphRunner, "run"),
        (MessageProcessor, "parse_message"),
        (run, "load_agent_on_start"),
        (Features, "_combine_sparse_features"),
        (NLUTrainingDataProvider, "provide"),
    ]


@pytest.fixture
def rasa_version():
    """Call it with a version to make the installed Rasa look like that one; put back afterwards."""
    import rasa

    real = rasa.__version__

    def fake(version: str) -> None:
        rasa.__version__ = version
        speedups.unsupported.cache_clear()

    yield fake
    rasa.__version__ = real
    speedups.unsupported.cache_clear()


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path), ExecutionContext(GraphSchema({}), "test")


def _create(cls, storage, **config):
    model_storage, context = storage
    return cls.create({**cls.get_default_config(), **config}, model_storage, Resource(cls.__name__), context)


# ------------------------------------------------------------------------------ switch, versions, uninstall


def test_supported_versions_are_installed():
    assert speedups.unsupported() == [], "the venv differs from requirements.lock: the speed-ups stay off"


@pytest.mark.parametrize("value", ["0", "false", "off", "no", " OFF "])
def test_switched_off_installs_nothing(monkeypatch, value):
    speedups.uninstall()
    monkeypatch.setenv("BOT_SPEEDUPS", value)
    assert not speedups.enabled()
    assert speedups.install() is False
    assert speedups.installed() == []


def test_switched_on_installs_every_patch_once(monkeypatch):
    speedups.uninstall()
    monkeypatch.setenv("BOT_SPEEDUPS", "1")
    assert speedups.enabled() and speedups.install() is True
    names = speedups.installed()
    assert len(names) == len(speedups.PATCHES) == len(_patched_methods())
    assert {"Event.resolve_by_type", "DaskGraphRunner.run", "MessageProcessor.parse_message"} <= set(names)
    assert speedups.install() is True and speedups.installed() == names


def test_unsupported_version_turns_everything_off(monkeypatch, caplog, rasa_version):
    monkeypatch.delenv("BOT_SPEEDUPS", raising=False)
    monkeypatch.setattr(speedups, "_warned", False)
    speedups.uninstall()
    rasa_version("3.7.0")
    with caplog.at_level(logging.WARNING, logger="bot.speedups"):
        assert not speedups.enabled()
        assert speedups.install() is False
        assert not speedups.enabled()
    assert speedups.installed() == []
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and r.name == "bot.speedups"]
    assert len(warnings) == 1, "warned once per process"
    assert "rasa 3.6.21" in warnings[0] and "tensorflow 2.12.0" in warnings[0]
    assert "rasa 3.7.0 (supported: 3.6.21)" in warnings[0]


def test_uninstall_puts_rasas_methods_back(monkeypatch):
    speedups.uninstall()
    rasa = {(owner, attr): vars(owner)[attr] for owner, attr in _patched_methods()}
    monkeypatch.setenv("BOT_SPEEDUPS", "1")
    assert speedups.install()
    for owner, attr in _patched_methods():
        assert vars(owner)[attr] is not rasa[owner, attr], attr
        assert getattr(getattr(owner, attr), "_bot_original", None) is not None, attr
    speedups.uninstall()
    assert speedups.installed() == []
    for owner, attr in _patched_methods():
        assert vars(owner)[attr] is rasa[owner, attr], attr
        method = getattr(owner, attr)
        assert not hasattr(method, "_bot_original") and method.__module__.startswith("rasa."), attr
    from rasa.shared.core.events import Event, SlotSet

    assert isinstance(vars(Event)["resolve_by_type"], staticmethod) and Event.resolve_by_type("slot") is SlotSet


# ------------------------------------------------------------- our components run Rasa's code when off


@pytest.fixture
def count_vectors(storage):
    """Our CountVectorsFeaturizer trained on a few texts, and a maker of tokenized messages."""
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())

    def messages(*texts):
        made = [Message({"text": t}) for t in texts]
        tokenizer.process(made)
        return made

    featurizer = _create(featurizers.CountVectorsFeaturizer, storage)
    data = TrainingData(messages("vad är kast", "jag vill sluta köpa sex", "hej hej", "tack"))
    for m in data.training_examples:
        m.set("intent", "x")
    featurizer.train(data)
    return featurizer, messages


def _parent_spy(monkeypatch, owner, attr="process"):
    """Record the messages every call of Rasa's `owner.attr` gets (and run it)."""
    calls, rasa = [], getattr(owner, attr)

    def spy(self, messages, *args):
        calls.append(list(messages))
        return rasa(self, messages, *args)

    monkeypatch.setattr(owner, attr, spy)
    return calls


def test_count_vectors_featurizer_is_rasas_when_off(count_vectors, monkeypatch):
    featurizer, messages = count_vectors
    rasa_calls = _parent_spy(monkeypatch, count_vectors_featurizer.CountVectorsFeaturizer)
    monkeypatch.setenv("BOT_SPEEDUPS", "1")
    ours = featurizer.process(messages("vad är kast", "köpa sex zzqx", ""))
    assert rasa_calls == [], "two or more messages: one transform for all"
    monkeypatch.setenv("BOT_SPEEDUPS", "0")
    theirs = featurizer.process(messages("vad är kast", "köpa sex zzqx", ""))
    assert [[m.get("text") for m in call] for call in rasa_calls] == [["vad är kast", "köpa sex zzqx", ""]]
    for mine, rasa in zip(ours, theirs):  # and the same features both ways
        assert len(mine.features) == len(rasa.features)
        for a, b in zip(mine.features, rasa.features):
            assert a.type == b.type and a.features.shape == b.features.shape and (a.features != b.features).nnz == 0


@pytest.mark.parametrize(
    "component,rasa_class",
    [
        (classifiers.DIETClassifier, diet_classifier.DIETClassifier),
        (classifiers.ResponseSelector, response_selector.ResponseSelector),
    ],
)
def test_classifiers_are_rasas_when_off(storage, monkeypatch, component, rasa_class):
    """No batched prediction and, for the selector, no skipping: every message goes to Rasa's `process`."""
    ours = (
        _create(component, storage, epochs=1, only_if_intent_in_top=3)
        if component is classifiers.ResponseSelector
        else _create(component, storage, epochs=1)
    )
    ours.retrieval_intent = "faq"
    rasa_calls = _parent_spy(monkeypatch, rasa_class)
    monkeypatch.setattr(rasa_class, "_predict", lambda self, message: None)  # no model: predicts nothing
    batched = []
    monkeypatch.setattr(classifiers, "batch_outputs", lambda *args: batched.append(args))
    monkeypatch.setenv("BOT_SPEEDUPS", "0")
    greeting = Message(
        {"text": "hej", "intent_ranking": [{"name": n, "confidence": 0.1} for n in ("greet", "thank", "bye", "faq")]}
    )
    question = Message({"text": "vad säger lagen", "intent_ranking": [{"name": "faq", "confidence": 0.9}]})
    ours.process([greeting, question])
    assert rasa_calls == [[greeting, question]] and batched == []


def test_rule_policy_never_skips_the_text_search_when_off(storage, monkeypatch):
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    policy = _create(policies.RulePolicy, storage)  # no rules: none could match a text
    searches = []
    monkeypatch.setattr(
        rule_policy.RulePolicy,
        "_find_action_from_rules",
        lambda self, tracker, domain, use_text: searches.append(use_text) or (None, None, False),
    )
    tracker = DialogueStateTracker.from_events(
        "s", [ActionExecuted("action_listen"), UserUttered("hej", {"name": "greet"})]
    )
    for switch in ("1", "0"):
        monkeypatch.setenv("BOT_SPEEDUPS", switch)
        for use_text in (True, False):
            assert policy._find_action_from_rules(tracker, Domain.empty(), use_text) == (None, None, False)
    assert searches == [False, True, False], "skipped with the speed-ups on, Rasa's search with them off"


@pytest.mark.parametrize("model_class", [models.FastDIET, models.FastDIET2BOW, models.FastDIET2DIET])
def test_model_classes_load_and_predict_as_rasa_when_off(monkeypatch, model_class):
    calls = []
    monkeypatch.setattr(RasaModel, "load", classmethod(lambda cls, *args, **kwargs: calls.append(("rasa", cls))))
    monkeypatch.setattr(models, "load_without_tracing", lambda cls, *args, **kwargs: calls.append(("ours", cls)))
    monkeypatch.setattr(RasaModel, "_rasa_predict", lambda self, batch: "rasa")
    monkeypatch.setattr(models, "predict_directly", lambda model, batch: "ours")
    model = object.__new__(model_class)  # no weights needed: both paths are stubbed

    monkeypatch.setenv("BOT_SPEEDUPS", "0")
    model_class.load("weights", "example")
    assert calls == [("rasa", model_class)] and model._rasa_predict([]) == "rasa"
    monkeypatch.setenv("BOT_SPEEDUPS", "1")
    model_class.load("weights", "example")
    model_class.load("weights", "example", None, True)  # finetuning is always Rasa's
    assert calls[1:] == [("ours", model_class), ("rasa", model_class)] and model._rasa_predict([]) == "ours"
