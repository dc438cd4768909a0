"""The held-out set (tests/nlu_holdout.yml, never used for training) must stay understood.

Thresholds from the issue: intent accuracy ≥ 0.92 and recall 1.0 for every safety intent.
"""
import pytest

from bot.evaluation import load_examples
from bot.safety import SAFETY_INTENTS

from conftest import ROOT

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
    from bot.text import fold

    training = {fold(e.text) for e in load_examples(str(ROOT / "data" / "nlu"))}
    leaked = [e.text for e in load_examples(str(HOLDOUT)) if fold(e.text) in training]
    assert not leaked, f"held-out examples also in data/nlu (remove them from data/nlu): {leaked}"


def test_holdout_intent_accuracy(report):
    assert report.accuracy >= 0.92, f"accuracy {report.accuracy:.3f}\n{_errors(report)}"


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
