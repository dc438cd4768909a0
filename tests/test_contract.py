"""The project against the intent contract (content/contract/intents.yml): names, answers, facts, numbers."""

import re

import pytest
import yaml
from conftest import ROOT

from bot.domain import contract
from bot.tools.evaluation import load_examples

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
# The answers of the retrieval intents (faq/…, myth/…): data/responses/*.yml.
FAQ_RESPONSES = {
    name: variants
    for path in sorted((ROOT / "data" / "responses").glob("*.yml"))
    for name, variants in yaml.safe_load(path.read_text(encoding="utf-8"))["responses"].items()
}
EXAMPLES = load_examples(str(ROOT / "data" / "nlu"))
# Answers given by responses (not by custom actions): intent → response name.
RESPONSE_FOR = {
    "bot_challenge": "utter_bot_challenge",
    "crisis": "utter_crisis",
    "immediate_danger": "utter_immediate_danger",
    "child_at_risk": "utter_child_at_risk",
    "seeking_to_buy": "utter_seeking_to_buy",
}


def _texts(variants):
    return [v.get("text", "") + " " + " ".join(b["title"] for b in v.get("buttons", [])) for v in variants]


def test_every_contract_intent_is_in_the_domain():
    domain_intents = set(DOMAIN["intents"])
    for name in contract.intent_names():
        assert name.split("/")[0] in domain_intents, name


@pytest.mark.parametrize("name", contract.intent_names())
def test_every_contract_intent_has_training_examples(name):
    count = sum(e.intent == name for e in EXAMPLES)
    safety_or_help = name in {
        "crisis",
        "immediate_danger",
        "child_at_risk",
        "want_to_stop_buying",
        "find_kast",
        "victim_help",
        "worried_about_other",
        "report_suspicion",
    }
    assert count >= (60 if safety_or_help else 30), f"{name}: {count} examples"


def test_no_example_in_two_intents():
    seen = {}
    clashes = []
    for e in EXAMPLES:
        key = " ".join(e.text.lower().split())
        if key in seen and seen[key] != e.intent:
            clashes.append((e.text, seen[key], e.intent))
        seen[key] = e.intent
    assert not clashes, clashes


@pytest.mark.parametrize("name", [n for n in contract.intent_names() if n.startswith(("faq/", "myth/"))])
def test_every_faq_topic_has_a_short_sourced_answer(name):
    variants = FAQ_RESPONSES.get(f"utter_{name}")
    assert variants, f"utter_{name} missing in data/responses/"
    for text in _texts(variants):
        assert not contract.missing_facts(name, text), text
        body = text.split("Källa:")[0]
        assert len(body.split()) <= 95, f"{name}: {len(body.split())} words"
        assert re.search(r"Källa: (\[[^\]]+\]\()?https://", text), f"{name}: no source link"


@pytest.mark.parametrize("intent,response", sorted(RESPONSE_FOR.items()))
def test_response_answers_contain_contract_facts(intent, response):
    for text in _texts(DOMAIN["responses"][response]):
        assert not contract.missing_facts(intent, text), text


def test_no_unknown_phone_numbers_in_any_answer():
    texts = [t for v in DOMAIN["responses"].values() for t in _texts(v)]
    texts += [t for v in FAQ_RESPONSES.values() for t in _texts(v)]
    unknown = {n for t in texts for n in contract.unknown_numbers(t)}
    assert not unknown, f"numbers not in FACTS.md: {unknown}"


def test_unknown_number_is_caught():
    assert contract.unknown_numbers("ring 020-12 34 56") == ["020-12 34 56"]
    assert contract.unknown_numbers("ring 020-50 50 50 eller 112") == []


def test_missing_facts_reports_what_lacks():
    assert contract.missing_facts("crisis", "ring 112") == ["90101"]
    assert contract.missing_facts("crisis", "Ring 90101 eller 112") == []
