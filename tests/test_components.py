"""Our Rasa components and the plain modules behind them, without a trained model.
(The custom-action safety net: tests/speedups/test_remote_action.py.)"""

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.domain import language, safety
from bot.rasa_plugins.gates import LanguageGate, SafetyGate
from bot.rasa_plugins.tokenizer import SwedishTokenizer


@pytest.fixture(scope="module")
def tokenizer():
    return SwedishTokenizer(SwedishTokenizer.get_default_config())


def _tokens(tokenizer, text):
    return tokenizer.tokenize(Message({TEXT: text}), TEXT)


def test_tokenizer_folds_and_lemmatizes(tokenizer):
    tokens = _tokens(tokenizer, "Jag köper sex i Göteborg, flickorna!")
    assert [t.text for t in tokens] == ["jag", "koper", "sex", "i", "goteborg", "flickorna"]
    assert [t.lemma for t in tokens][1] == "kopa"
    assert tokens[-1].lemma == "flicka"


def test_tokenizer_keeps_offsets_into_the_original_text(tokenizer):
    text = "bor i Umeå nu"
    umea = _tokens(tokenizer, text)[2]
    assert text[umea.start : umea.end] == "Umeå"


def test_unaccented_and_accented_give_same_tokens(tokenizer):
    a = [t.lemma for t in _tokens(tokenizer, "vill sluta köpa sex")]
    b = [t.lemma for t in _tokens(tokenizer, "vill sluta kopa sex")]
    assert a == b


def test_tokenizer_survives_junk(tokenizer):
    for text in ["", "   ", "😭😭", "\x00\x01", "<script>", "a" * 10000]:
        _tokens(tokenizer, text)


def _message(text, intent, ranking):
    m = Message({TEXT: text})
    m.set(INTENT, {"name": intent, "confidence": ranking[0][1]})
    m.set(INTENT_RANKING_KEY, [{"name": n, "confidence": c} for n, c in ranking])
    return m


def test_safety_gate_promotes_crisis_phrase():
    gate = SafetyGate(SafetyGate.get_default_config())
    m = _message("jag köper sex och vill ta livet av mig", "want_to_stop_buying", [("want_to_stop_buying", 0.9)])
    gate.process([m])
    assert m.get(INTENT)["name"] == "crisis"
    assert m.get(INTENT_RANKING_KEY)[0]["name"] == "crisis"


def test_safety_gate_promotes_ranked_safety_intent():
    gate = SafetyGate({**SafetyGate.get_default_config(), "min_confidence": 0.3})
    m = _message("något oklart", "faq", [("faq", 0.5), ("child_at_risk", 0.35)])
    gate.process([m])
    assert m.get(INTENT)["name"] == "child_at_risk"


def test_safety_gate_leaves_ordinary_messages():
    gate = SafetyGate(SafetyGate.get_default_config())
    m = _message("vad säger lagen", "faq", [("faq", 0.9), ("crisis", 0.05)])
    gate.process([m])
    assert m.get(INTENT)["name"] == "faq"


def test_safety_phrases_match_folded_text():
    rules = safety.load_rules()
    assert safety.phrase_intent("Jag vill DÖ", rules) == "crisis"
    assert safety.phrase_intent("jag vill dölja det", rules) is None
    assert safety.phrase_intent("de håller mig fången här", rules) == "immediate_danger"
    assert safety.phrase_intent("jag har börjat skära mig igen", rules) == "crisis"
    assert safety.phrase_intent("han vill skada mig", rules) is None
    assert safety.phrase_intent("de håller mig kvar i lägenheten", rules) == "immediate_danger"
    assert safety.phrase_intent("jag kan inte ta mig härifrån", rules) == "immediate_danger"
    assert safety.phrase_intent("får man inte gå till kast utan att boka", rules) is None


def test_configured_safety_gate_promotes_a_weak_danger_signal():
    """config.yml's gate: a danger DIET sees with 0.22 wins over a confident victim_help."""
    from conftest import pipeline_settings

    gate = SafetyGate({**SafetyGate.get_default_config(), **pipeline_settings("bot.rasa_plugins.gates.SafetyGate")})
    m = _message("han tog mina papper", "victim_help", [("victim_help", 0.7), ("immediate_danger", 0.22)])
    gate.process([m])
    assert m.get(INTENT)["name"] == "immediate_danger"
    low = _message("han tog mina papper", "victim_help", [("victim_help", 0.85), ("immediate_danger", 0.1)])
    gate.process([low])
    assert low.get(INTENT)["name"] == "victim_help"


@pytest.mark.parametrize(
    "text,intent,expected",
    [
        ("min dotter är 15 och säljer sex", "worried_about_other", True),
        ("en kille på 16 får betalt för bilder av en vuxen", "report_suspicion", True),
        ("vad är straffet för sexköp av någon under 18", "faq", False),
        ("jag köper sex och har tre barn", "want_to_stop_buying", False),
        ("min son är 15 och spelar fotboll", "worried_about_other", False),
    ],
)
def test_child_cue_needs_minor_and_exploitation(text, intent, expected):
    assert safety.child_cue(text, intent, safety.load_rules()) is expected


def test_broken_safety_file_names_the_place(tmp_path):
    bad = tmp_path / "safety.yml"
    bad.write_text("phrases:\n  crisis:\n    - '(ta livet'\n", encoding="utf-8")
    with pytest.raises(ValueError, match="phrases.crisis"):
        safety.load_rules(str(bad))


def test_language_gate_marks_english():
    gate = LanguageGate(LanguageGate.get_default_config())
    m = _message(
        "I want to stop buying sex, where can I get help?", "want_to_stop_buying", [("want_to_stop_buying", 0.6)]
    )
    gate.process([m])
    assert m.get(INTENT)["name"] == "other_language"
    assert m.get("language") == "en"


def test_language_gate_keeps_a_confident_swedish_intent():
    """Swedish with an English loan word reads as English to lingua; a sure classifier wins."""
    text = "definition av trafficking"
    assert language.foreign_language(text) is not None  # lingua alone would answer in English
    config = {**LanguageGate.get_default_config(), "keep_confident": 0.9}
    sure = _message(text, "faq", [("faq", 0.95)])
    LanguageGate(config).process([sure])
    assert sure.get(INTENT)["name"] == "faq"
    unsure = _message(text, "faq", [("faq", 0.6)])
    LanguageGate(config).process([unsure])
    assert unsure.get(INTENT)["name"] == "other_language"


@pytest.mark.parametrize(
    "text",
    [
        "jag vill sluta kopa sex",
        "ar det olagligt att kopa sex i sverige",
        "min kompis koper sex vad gor jag",
        "hej",
        "kast",
        "vad händer om man blir tagen för sexköp utomlands",
        "jeg vil stoppe med at købe sex",
    ],
)
def test_swedish_and_neighbours_are_served(text):
    assert language.foreign_language(text) is None


@pytest.mark.parametrize(
    "text,code",
    [
        ("my husband buys sex, what do I do", "en"),
        ("Pomocy, potrzebuję pomocy teraz", "pl"),
        ("necesito ayuda por favor ahora", "es"),
    ],
)
def test_foreign_languages_are_detected(text, code):
    verdict = language.foreign_language(text)
    assert verdict and verdict.language == code


def _location_extractor():
    from bot.rasa_plugins.location import LocationExtractor

    return LocationExtractor(LocationExtractor.get_default_config())


def test_location_entity_gets_canonical_name():
    m = _message("jag bor i umea", "want_to_stop_buying", [("want_to_stop_buying", 0.9)])
    m.set("entities", [{"entity": "location", "value": "umea", "start": 10, "end": 14, "extractor": "DIETClassifier"}])
    _location_extractor().process([m])
    assert [e["value"] for e in m.get("entities")] == ["Umeå"]


def test_gazetteer_adds_missed_place_and_drops_non_places():
    m = _message("finns kast i Skelleftea", "find_kast", [("find_kast", 0.9)])
    m.set("entities", [{"entity": "location", "value": "kast", "start": 6, "end": 10}])
    _location_extractor().process([m])
    assert [e["value"] for e in m.get("entities")] == ["Skellefteå"]
    assert m.get(INTENT)["name"] == "find_kast"


@pytest.mark.parametrize("text", ["Skövde", "jag bor i umea", "Jönköpings län"])
def test_bare_place_is_inform_location(text):
    m = _message(text, "report_suspicion", [("report_suspicion", 0.8)])
    _location_extractor().process([m])
    assert m.get(INTENT)["name"] == "inform_location"


def test_inform_location_without_a_place_gives_way_to_the_next_intent():
    gibberish = _message("qwpzx vbnmk trrrt", "inform_location", [("inform_location", 0.58), ("insult", 0.05)])
    _location_extractor().process([gibberish])
    assert gibberish.get(INTENT) == {"name": "insult", "confidence": 0.05}  # → nlu_fallback later
    assert [r["name"] for r in gibberish.get(INTENT_RANKING_KEY)] == ["insult"]
    with_place = _message("jag bor nära hbg", "inform_location", [("inform_location", 0.7), ("insult", 0.05)])
    _location_extractor().process([with_place])
    assert with_place.get(INTENT)["name"] == "inform_location"
    assert [e["value"] for e in with_place.get("entities")] == ["Helsingborg"]
    other = _message("hej", "greet", [("greet", 0.9), ("inform_location", 0.05)])
    _location_extractor().process([other])
    assert other.get(INTENT)["name"] == "greet"


def test_gibberish_is_not_understood_as_a_place(parser):
    for text in ["qwpzx vbnmk trrrt", "xkcd blorp"]:
        assert parser.parse(text)["intent"]["name"] != "inform_location", text
