"""bot.domain.linear_classifier and bot.rasa_plugins.linear_blend: the linear intent model and its blend with DIET and the
ResponseSelector."""

import numpy as np
import pytest
from conftest import ROOT, pipeline_settings
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME, TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.domain.linear_classifier import LinearModel, blend_intents, blend_topics, char_ngrams, word_ngrams
from bot.rasa_plugins.linear_blend import PROBABILITIES, LinearBlend, TopicBlend, words
from bot.tools.evaluation import full_intent, load_examples

DOCS = [
    ("hej hej", "greet"),
    ("hejsan", "greet"),
    ("god morgon", "greet"),
    ("hallå där", "greet"),
    ("tack så mycket", "thank"),
    ("tack", "thank"),
    ("tusen tack", "thank"),
    ("stort tack för hjälpen", "thank"),
    ("vad säger lagen om sexköp", "faq/law"),
    ("är det olagligt att köpa sex", "faq/law"),
    ("vilken lag gäller sexköp", "faq/law"),
    ("är sexköp förbjudet", "faq/law"),
    ("vad är kast", "faq/kast_what"),
    ("vad betyder kast", "faq/kast_what"),
    ("vad är kast för något", "faq/kast_what"),
    ("berätta vad kast är", "faq/kast_what"),
]


def _fit(**kwargs):
    docs = [text.split() for text, _ in DOCS]
    return LinearModel.fit(docs, [label for _, label in DOCS], min_df=1, **kwargs)


def test_ngrams():
    assert word_ngrams(["kopa", "sex", "nu"], 2) == ["kopa", "sex", "nu", "kopa sex", "sex nu"]
    assert char_ngrams(["kast"], 2, 3) == [" k", "ka", "as", "st", "t ", " ka", "kas", "ast", "st "]
    assert char_ngrams(["a"], 2, 5) == [" a", "a ", " a "], "a short word gives its padded self once"


def test_features_are_sklearns_tfidf():
    """Our tf-idf rows equal sklearn's TfidfVectorizer (sublinear tf, smooth idf, unit rows)."""
    docs = [text.split() for text, _ in DOCS]
    model = _fit()
    word = TfidfVectorizer(analyzer=lambda d: word_ngrams(d, 2), sublinear_tf=True)
    char = TfidfVectorizer(analyzer=lambda d: char_ngrams(d, 2, 5), sublinear_tf=True)
    word.fit(docs)
    char.fit(docs)
    # same vocabulary order (sorted) in both, so the columns line up
    assert list(model.blocks["word"].vocabulary) == sorted(word.vocabulary_)
    probe = ["kopa", "sex", "tack", "tack"]
    theirs = hstack([word.transform([probe]), char.transform([probe])]).toarray()[0]
    index, values = model._row(probe)
    ours = np.zeros_like(theirs)
    ours[index] = values
    assert np.allclose(ours, theirs)


def test_learns_and_generalises_to_unseen_wording():
    model = _fit()
    for text, expected in [
        ("hej där", "greet"),
        ("tack tack", "thank"),
        ("vad ar kast", "faq/kast_what"),
        ("är det förbjudet att köpa sex", "faq/law"),
    ]:
        p = model.predict(text.split())
        assert max(p, key=p.get) == expected, (text, p)
        assert sum(p.values()) == pytest.approx(1.0)


def test_unknown_words_give_the_prior_not_an_error():
    p = _fit().predict(["qwpzx"])
    assert sum(p.values()) == pytest.approx(1.0) and max(p.values()) < 0.5


def test_save_and_load_give_the_same_probabilities(tmp_path):
    model = _fit()
    model.save(tmp_path)
    assert not list(tmp_path.glob("*.pkl")), "stored as JSON and numpy, no pickles"
    again = LinearModel.load(tmp_path)
    for text, _ in DOCS:
        a, b = model.predict(text.split()), again.predict(text.split())
        assert a.keys() == b.keys() and all(a[k] == pytest.approx(b[k]) for k in a)


def test_blend_intents_sums_topics_and_weights():
    diet = [{"name": "faq", "confidence": 0.6}, {"name": "greet", "confidence": 0.4}]
    linear = {"faq/law": 0.1, "faq/kast_what": 0.1, "greet": 0.2, "thank": 0.6}
    assert blend_intents(diet, linear, 0.0)[:2] == [
        {"name": "faq", "confidence": 0.6},
        {"name": "greet", "confidence": 0.4},
    ]
    only_linear = {r["name"]: r["confidence"] for r in blend_intents(diet, linear, 1.0)}
    assert only_linear == pytest.approx({"faq": 0.2, "greet": 0.2, "thank": 0.6})
    half = blend_intents(diet, linear, 0.5)
    assert half[0]["name"] == "faq" and half[0]["confidence"] == pytest.approx(0.4)
    assert [r["name"] for r in half] == ["faq", "greet", "thank"]


def test_blend_topics_renormalises_the_linear_topics():
    linear = {"faq/law": 0.2, "faq/kast_what": 0.6, "greet": 0.2}
    alone = blend_topics([], linear, 1.0, "faq")
    assert [t["intent_response_key"] for t in alone] == ["faq/kast_what", "faq/law"]
    assert alone[0]["confidence"] == pytest.approx(0.75)
    selector = [
        {"intent_response_key": "faq/law", "confidence": 0.9},
        {"intent_response_key": "faq/kast_what", "confidence": 0.1},
    ]
    blended = {t["intent_response_key"]: t["confidence"] for t in blend_topics(selector, linear, 0.5, "faq")}
    assert blended == pytest.approx({"faq/law": 0.575, "faq/kast_what": 0.425})


def _message(text, ranking):
    m = Message(data={"text": text, "intent_ranking": ranking, "intent": ranking[0]})
    m.set(TOKENS_NAMES["text"], [Token(w, 0, lemma=w) for w in text.split()])
    return m


def test_components_set_intent_ranking_and_faq_answer():
    blend = LinearBlend({"intent_weight": 0.7}, None, None, _fit())
    message = _message("vad ar kast", [{"name": "greet", "confidence": 0.55}, {"name": "faq", "confidence": 0.45}])
    blend.process([message])
    assert message.get("intent")["name"] == "faq", "the linear model outweighs DIET's weak greet"
    assert message.get("intent_ranking")[0] == message.get("intent")
    assert "linear_model_probabilities" not in message.as_dict(only_output_properties=True)
    message.set(
        RESPONSE_SELECTOR_PROPERTY_NAME,
        {
            "faq": {
                "ranking": [
                    {"intent_response_key": "faq/law", "confidence": 0.6},
                    {"intent_response_key": "faq/kast_what", "confidence": 0.4},
                ]
            }
        },
    )
    TopicBlend({"topic_weight": 0.5}).process([message])
    response = message.get(RESPONSE_SELECTOR_PROPERTY_NAME)["faq"]["response"]
    assert response["intent_response_key"] == "faq/kast_what"
    assert response["utter_action"] == "utter_faq/kast_what"


def test_use_lemma_chooses_which_token_form_the_model_reads():
    """With `use_lemma: false` (config.yml) the model learns and reads the folded words, not lemmas."""
    message = Message(data={"text": "kopte sex", "intent_ranking": [], "intent": {}})
    message.set(TOKENS_NAMES["text"], [Token("kopte", 0, lemma="kopa"), Token("sex", 6, lemma="sex")])
    assert words(message) == ["kopa", "sex"]
    assert words(message, use_lemma=False) == ["kopte", "sex"]
    model = LinearModel.fit(
        [["kopte", "sex"], ["hej"], ["kopa", "sex"], ["hej", "hej"]],
        ["faq/law", "greet", "greet", "greet"],
        min_df=1,
        c=100,
    )
    seen = {}
    for use_lemma in (True, False):
        blend = LinearBlend({"use_lemma": use_lemma}, None, None, model)
        blend.process([message])
        seen[use_lemma] = message.get("intent")["name"]
    assert seen == {True: "greet", False: "faq"}, "each setting reads its own form of the words"
    assert pipeline_settings("bot.rasa_plugins.linear_blend.LinearBlend")["use_lemma"] is False


def test_topic_blend_needs_the_selector_and_the_linear_model():
    message = _message("hej", [{"name": "greet", "confidence": 1.0}])
    TopicBlend({}).process([message])
    assert message.get(RESPONSE_SELECTOR_PROPERTY_NAME) is None and message.get(PROBABILITIES) is None
    LinearBlend({}, None, None, _fit()).process([message])
    TopicBlend({}).process([message])
    assert message.get(PROBABILITIES) and message.get(RESPONSE_SELECTOR_PROPERTY_NAME) is None, (
        "the selector did not run (not an FAQ question): no topic is made up"
    )


def test_config_blends_before_the_selector_and_the_fallback():
    import yaml

    names = [c["name"] for c in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]]
    order = [
        names.index(n)
        for n in (
            "bot.rasa_plugins.linear_blend.LinearBlend",
            "bot.rasa_plugins.classifiers.ResponseSelector",
            "bot.rasa_plugins.linear_blend.TopicBlend",
            "FallbackClassifier",
            "bot.rasa_plugins.gates.SafetyGate",
        )
    ]
    assert order == sorted(order)
    weight = pipeline_settings("bot.rasa_plugins.linear_blend.LinearBlend")["intent_weight"]
    diet = "bot.rasa_plugins.classifiers.DIETClassifier"
    if diet in names:  # a DIET before the linear model, and a weight that gives it a say
        assert names.index(diet) < order[0] and 0 < weight < 1
    else:  # the linear model is the intent classifier: nothing to blend with
        assert weight == 1.0


def test_trained_model_topic_blend_is_at_least_as_good_as_the_selector_alone(parser, monkeypatch):
    """Held-out messages: accuracy of the full names (`faq/law`) with the FAQ topic blend ≥ with
    topic weight 0 (the ResponseSelector alone chooses the topic)."""
    examples = [e for e in load_examples(str(ROOT / "tests" / "nlu_holdout.yml")) if e.intent.startswith("faq/")]

    def accuracy():
        return sum(full_intent(parser.parse(e.text)) == e.intent for e in examples) / len(examples)

    blended = accuracy()
    for node in parser.agent.processor.graph_runner._instantiated_nodes.values():
        component = getattr(node, "_component", None)
        if isinstance(component, TopicBlend) and component._config["retrieval_intent"] == "faq":
            monkeypatch.setitem(component._config, "topic_weight", 0.0)
    alone = accuracy()
    assert alone < 1.0 and blended >= alone, (blended, alone)
