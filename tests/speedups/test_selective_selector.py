"""bot.speedups.selective_selector, through bot.rasa_plugins.classifiers.ResponseSelector: the
selector is skipped only where its choice is never used."""

from conftest import ROOT, pipeline_settings
from rasa.shared.nlu.training_data.message import Message

from actions.affirmation import candidates
from bot.speedups.selective_selector import CONFIG_KEY, may_be_retrieval
from bot.tools.evaluation import full_intent, load_examples


def _message(*names):
    return Message(data={"text": "x", "intent_ranking": [{"name": n, "confidence": 0.1} for n in names]})


def test_may_be_retrieval():
    assert may_be_retrieval(_message("greet", "faq", "thank"), "faq", 2)
    assert not may_be_retrieval(_message("greet", "thank", "faq"), "faq", 2)
    assert may_be_retrieval(_message(), "faq", 2), "nothing ranked yet: run the selector"
    assert may_be_retrieval(_message("greet"), None, 2), "no retrieval intent configured: run it"


def test_config_turns_it_on():
    assert pipeline_settings("bot.rasa_plugins.classifiers.ResponseSelector")[CONFIG_KEY] == 3


def test_skipped_for_greetings_run_for_questions(parser, fast):
    hello = parser.parse("hej hej")
    assert hello["intent"]["name"] == "greet"
    assert "faq" not in hello["response_selector"]
    assert sorted(hello["response_selector"]["all_retrieval_intents"]) == ["faq", "myth"]
    question = parser.parse("vad säger sexköpslagen")
    assert question["response_selector"]["faq"]["response"]["intent_response_key"] == "faq/law"


def test_skipping_changes_no_answer_and_no_suggestion(parser, fast, rasa_code):
    """Every held-out message: the same contract intent and the same "Menade du …?" candidates
    as with Rasa's own code (the selector run on every message)."""
    examples = load_examples(str(ROOT / "tests" / "nlu_holdout.yml"))[::3]
    ours = [parser.parse(e.text) for e in examples]
    skipped = sum("faq" not in p["response_selector"] for p in ours)
    # Measured 2026-11-28: skipped for 37 of 193 (19 %; about two in five non-FAQ messages). The blended
    # ranking (bot.rasa_plugins.linear_blend) puts `faq` among the best three more often than DIET alone did.
    assert skipped > len(ours) // 7, "the selector was hardly ever skipped"
    rasa_code()
    theirs = [parser.parse(e.text) for e in examples]
    assert all("faq" in p["response_selector"] for p in theirs)
    assert [full_intent(p) for p in ours] == [full_intent(p) for p in theirs]
    assert [candidates(p) for p in ours] == [candidates(p) for p in theirs]
