"""Safety without a trained model: a minor who sells gets the child answer with the law beside it,
a message the web front answers itself is screened, the safety answers are what they must be, and
the privacy promises in the answers are what the code does."""

import re

import pytest
import yaml
from conftest import ROOT, pipeline_settings
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.domain import contract, referral, safety
from bot.privacy import masking
from bot.rasa_plugins import retention
from bot.rasa_plugins.gates import SafetyGate
from bot.web.config import Settings

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
RULES = safety.load_rules()
MAX_WORDS = 80


def _text(response):
    return " ".join(DOMAIN[response][0]["text"].split())


def _gate(text, intent, confidence=0.9, ranking=None):
    gate = SafetyGate({**SafetyGate.get_default_config(), **pipeline_settings("bot.rasa_plugins.gates.SafetyGate")})
    m = Message({TEXT: text})
    m.set(INTENT, {"name": intent, "confidence": confidence})
    m.set(INTENT_RANKING_KEY, [{"name": n, "confidence": c} for n, c in (ranking or [(intent, confidence)])])
    gate.process([m])
    return m.get(INTENT)["name"]


# ---------------------------------------------------------------- a minor who sells


MINOR_SELLING = [
    ("är det olagligt att sälja sex om man är 16", "faq"),
    ("jag är 15 och säljer bilder", "victim_help"),
    ("jag är 15 och säljer bilder", "faq"),
    ("jag e 16 o säljer nudes", "nlu_fallback"),
    ("är det olagligt för en 16-åring att sälja sex", "faq"),
    ("jag har inte fyllt 18 men tar betalt för sex, gör jag något olagligt?", "faq"),
    ("kan man sälja sex som 17-åring", "faq"),
    ("jag är en 17-åring som säljer sex", "want_to_stop_buying"),
]


@pytest.mark.parametrize("text,intent", MINOR_SELLING)
def test_a_minor_who_sells_gets_the_child_answer_whatever_the_classifier_chose(text, intent):
    assert _gate(text, intent) == "child_at_risk"


@pytest.mark.parametrize(
    "text",
    [
        "vad är straffet för att köpa sex av en 17-åring",
        "vad gäller om den som säljer är under 18",
        "vad säger lagen om man köper sex av någon som är 16",
        "straff för sexköp av barn",
        "får man sälja sex om man är vuxen",
        "jag är 45 och säljer sex",
    ],
)
def test_an_adults_law_question_about_minors_stays_a_law_question(text):
    assert _gate(text, "faq") == "faq"


def test_the_child_answer_gives_support_and_the_law_side_by_side():
    text = _text("utter_child_at_risk")
    assert "BRIS" in text and "116 111" in text and "112" in text
    assert "Den som säljer sex gör inget brott" in text
    assert "köpa sex av någon under 18 är ett allvarligt brott" in text
    assert not contract.missing_facts("child_at_risk", text)


def test_a_swedish_safety_phrase_counts_even_when_read_as_another_language():
    assert _gate("please help jag vill dö", "other_language", 1.0) == "crisis"
    assert _gate("jag är 15 och säljer nudes", "other_language", 1.0) == "child_at_risk"
    assert (
        _gate("I want to stop buying sex", "other_language", 1.0, [("other_language", 1.0), ("crisis", 0.5)])
        == "other_language"
    )


# ---------------------------------------------------------------- screening without a classifier


FILLER = "Jag har en fråga om lagen och om hur det fungerar. "


@pytest.mark.parametrize("where", ["start", "end"])
@pytest.mark.parametrize(
    "phrase,intent",
    [
        ("Jag vill inte leva längre.", "crisis"),
        ("Han står utanför min dörr nu.", "immediate_danger"),
        ("Jag är 15 och säljer bilder.", "child_at_risk"),
    ],
)
def test_screen_reads_the_start_and_the_end_of_a_long_message(where, phrase, intent):
    body = FILLER * 60
    text = phrase + " " + body if where == "start" else body + " " + phrase
    assert len(text) > 2 * safety.SCREEN_CHARS
    assert safety.screen(text, RULES) == intent


def test_screen_puts_a_crisis_before_danger_and_finds_nothing_in_an_ordinary_message():
    text = "Han står utanför min dörr. " + FILLER * 60 + " Jag vill dö."
    assert safety.screen(text, RULES) == "crisis"
    assert safety.screen(FILLER * 60, RULES) is None
    assert safety.screen("", RULES) is None


def test_the_web_front_reads_the_same_safety_answers_as_rasa():
    answers = safety.answers()
    for intent in safety.SAFETY_INTENTS:
        assert answers[intent] == _text(f"utter_{intent}")


def test_missing_safety_answer_is_an_error(tmp_path):
    bad = tmp_path / "domain.yml"
    bad.write_text("responses:\n  utter_crisis:\n    - text: ring 112\n", encoding="utf-8")
    with pytest.raises(ValueError, match="utter_immediate_danger"):
        safety.answers(str(bad))


# ---------------------------------------------------------------- the safety answers


def test_crisis_answer_puts_112_first_then_the_suicide_line():
    text = _text("utter_crisis")
    assert text.startswith("Är ditt liv i fara just nu: ring 112.")
    assert text.index("112") < text.index("90101")
    assert not contract.missing_facts("crisis", text)


@pytest.mark.parametrize(
    "response",
    [
        "utter_greet",
        "utter_goodbye",
        "utter_bot_challenge",
        "utter_insult",
        "utter_other_language",
        "utter_conversation_deleted",
        "utter_crisis",
        "utter_immediate_danger",
        "utter_child_at_risk",
        "utter_default",
    ],
)
def test_answers_are_short_and_use_known_numbers(response):
    text = _text(response)
    assert len(text.split()) <= MAX_WORDS, (response, len(text.split()))
    assert not contract.unknown_numbers(text), text


# ---------------------------------------------------------------- each line for the people it serves


def _lines_offered(text):
    """Kvinnofridslinjen is offered to people exposed to violence and relatives, not as a general line."""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if "Kvinnofridslinjen" in sentence:
            assert re.search(r"våld|violence|fara|danger", sentence, re.IGNORECASE), sentence


@pytest.mark.parametrize(
    "response",
    [
        "utter_goodbye",
        "utter_bot_challenge",
        "utter_insult",
        "utter_other_language",
        "utter_default",
        "utter_immediate_danger",
    ],
)
def test_kvinnofridslinjen_is_offered_to_people_exposed_to_violence(response):
    _lines_offered(_text(response))


@pytest.mark.parametrize("response", ["utter_bot_challenge", "utter_insult", "utter_default", "utter_goodbye"])
def test_a_buyer_who_wants_to_talk_is_offered_kast(response):
    assert "KAST" in _text(response)


def test_handoff_offers_each_line_to_its_people():
    text = " ".join(r.text for r in referral.handoff())
    assert not contract.missing_facts("human_handoff", text) and "inte en människa" in text
    assert "KAST" in text and "Evonhuset 020-35 40 40" in text and "Preventell" in text
    assert "Stödlinjen för män 020-80 80 80" in text and "7–21" in text
    _lines_offered(text)
    assert len(text.split()) <= MAX_WORDS and not contract.unknown_numbers(text)


def test_the_default_answer_has_112_and_a_line_that_answers_now():
    text = _text("utter_default")
    assert "ring 112" in text and "Kvinnofridslinjen 020-50 50 50, dygnet runt" in text


def test_action_server_down_has_112_and_a_line_that_answers_now():
    text = " ".join(r.text for r in referral.action_server_down())
    assert "112" in text and "Kvinnofridslinjen 020-50 50 50, dygnet runt" in text and "KAST" in text
    _lines_offered(text)
    assert len(text.split()) <= MAX_WORDS and not contract.unknown_numbers(text)


# ---------------------------------------------------------------- privacy promises


def test_no_answer_promises_anonymity_or_that_nothing_is_left():
    for response in ("utter_greet", "utter_conversation_deleted"):
        text = _text(response)
        assert "Du är anonym" not in text and "Inget av det du skrivit finns kvar" not in text


def test_greeting_states_the_real_retention_and_masked_kinds(monkeypatch):
    monkeypatch.delenv("RETENTION_DAYS", raising=False)
    text = _text("utter_greet")
    days = retention.default_days()
    assert f"sparas i {days} dagar" in text and Settings().retention_days == days
    assert "skriv inte ditt namn" in text
    shown = {
        "personnummer": masking.PERSONNUMMER,
        "telefonnummer": masking.TELEFON,
        "e-post": masking.EPOST,
        "gatuadresser": masking.ADRESS,
    }
    for word, kind in shown.items():
        assert word in text and kind in masking.KINDS
