"""The held-out set (tests/nlu_holdout.yml, never used for training) must stay understood.

Thresholds (regression guards; the goals and the measured figures are in README «Mätningar»): intent
accuracy ≥ 0.92 on the whole set and ≥ 0.90 on the buyer's conversation, recall 1.0 for every safety
intent, no safety answer for a buyer's statement of shame, anger or reasons, and at least 80 % of
the on-topic questions that no verified fact answers get no topic answer.
"""

import pytest
from conftest import ROOT

from bot.domain.safety import SAFETY_INTENTS
from bot.tools.evaluation import BUYER_INTENTS, NOT_CRISIS, UNANSWERABLE, load_examples, load_sections

HOLDOUT = ROOT / "tests" / "nlu_holdout.yml"


@pytest.fixture(scope="module")
def report(parser):
    return parser.evaluate(load_examples(str(HOLDOUT)))


def _errors(report, only=None):
    return "\n".join(
        f"  {expected:>24} → {predicted:<24} {text!r}"
        for text, expected, predicted in report.errors()
        if only is None or expected in only
    )


def test_holdout_covers_every_contract_intent(contract):
    intents = {e.intent for e in load_examples(str(HOLDOUT))}
    assert {i["name"] for i in contract["intents"]} <= intents


def test_holdout_is_not_in_training_data():
    """Compared as the model sees text: folded (no case, å/ä/ö or punctuation)."""
    from bot.domain.text import fold

    training = {fold(e.text) for e in load_examples(str(ROOT / "data" / "nlu"))}
    leaked = [e.text for e in load_examples(str(HOLDOUT)) if fold(e.text) in training]
    assert not leaked, f"held-out examples also in data/nlu (remove them from data/nlu): {leaked}"


def test_holdout_intent_accuracy(report):
    assert report.accuracy >= 0.92, f"accuracy {report.accuracy:.3f}\n{_errors(report)}"


def test_buyer_conversation_accuracy(report):
    pairs = [(e, p) for e, p in report.pairs if e.intent in BUYER_INTENTS]
    accuracy = sum(e.intent == p for e, p in pairs) / len(pairs)
    assert accuracy >= 0.90, f"accuracy {accuracy:.3f}\n{_errors(report, BUYER_INTENTS)}"


def test_buyer_statements_never_get_a_safety_answer(parser):
    statements = [e for e in load_sections(str(HOLDOUT))[NOT_CRISIS] if e.intent not in SAFETY_INTENTS]
    alarms = [(e.text, p) for e, p in parser.evaluate(statements).pairs if p in SAFETY_INTENTS]
    assert len(statements) >= 15 and not alarms, alarms


def test_unanswerable_questions_are_not_answered_with_the_nearest_topic(parser):
    """On-topic questions no verified fact answers: out_of_scope ("Det har jag inget säkert svar
    på"), or at worst "Menade du …?" (nlu_fallback) – not a confident wrong answer."""
    pairs = parser.evaluate(load_sections(str(HOLDOUT))[UNANSWERABLE]).pairs
    honest = sum(p in ("out_of_scope", "nlu_fallback") for _, p in pairs) / len(pairs)
    wrong = [(e.text, p) for e, p in pairs if p not in ("out_of_scope", "nlu_fallback")]
    assert honest >= 0.8, f"{honest:.2f} honest\n" + "\n".join(f"  {p:<24} {t!r}" for t, p in wrong)


def test_safety_intents_have_full_recall(report):
    recall = report.recall()
    low = {i: recall[i] for i in SAFETY_INTENTS if recall.get(i, 0) < 1.0}
    assert not low, f"safety recall {low}\n{_errors(report, SAFETY_INTENTS)}"


def test_holdout_locations_are_extracted(parser):
    examples = [e for e in load_examples(str(HOLDOUT)) if e.location]
    found = 0
    for e in examples:
        values = [x["value"] for x in parser.parse(e.text).get("entities", []) if x["entity"] == "location"]
        found += e.location in values
    assert found / len(examples) >= 0.9, f"{found}/{len(examples)} locations found"
