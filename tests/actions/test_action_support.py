"""action_support: four situations, clarifying question, must_say facts for victim_help."""

import json

import pytest
from trackers import run, tracker  # noqa: F401  (pytest fixtures)

from actions.support import ActionSupport
from bot.domain import contract

pytestmark = pytest.mark.asyncio
ACTION = ActionSupport()


async def test_name():
    assert ACTION.name() == "action_support"


@pytest.mark.parametrize(
    "text,intent,expected",
    [
        ("jag säljer sex och vill sluta", "victim_help", "sells_sex"),
        ("jag har sålt sex i flera år", "victim_help", "sells_sex"),
        ("jag tvingas ha sex för pengar", "victim_help", "trafficking"),
        ("de har tagit mitt pass och säger att jag har en skuld", "victim_help", "trafficking"),
        ("min man köper sex", "worried_about_other", "relative_of_buyer"),
        ("min sambo har köpt sex, vad gör jag", "worried_about_other", "relative_of_buyer"),
        ("min vän säljer sex, hur hjälper jag henne", "worried_about_other", "relative_of_seller"),
        ("min syster tvingas av sin pojkvän", "worried_about_other", "relative_of_seller"),
    ],
)
async def test_situation_from_text(run, tracker, text, intent, expected):
    result = await run(ACTION, tracker(text, intent))
    assert result.slot("situation") == expected
    assert result.slot("awaiting_situation") is False
    if intent == "victim_help":
        assert not contract.missing_facts("victim_help", result.text)
    assert not contract.unknown_numbers(result.text)


async def test_answers_differ_by_situation(run, tracker):
    texts = set()
    for situation in ("sells_sex", "trafficking", "relative_of_buyer", "relative_of_seller"):
        intent = "victim_help" if situation in ("sells_sex", "trafficking") else "worried_about_other"
        result = await run(ACTION, tracker("", intent, entities=[("situation", situation)]))
        texts.add(result.texts[0])
    assert len(texts) == 4


async def test_trafficking_answer(run, tracker):
    result = await run(ACTION, tracker("jag tvingas sälja sex", "victim_help"))
    assert "112" in result.text and "020-50 50 50" in result.text and "114 14" in result.text


async def test_relative_of_buyer_points_to_kast(run, tracker):
    result = await run(ACTION, tracker("min man köper sex", "worried_about_other", slots={"location": "Umeå"}))
    assert "KAST Umeå" in result.text and "anhöriga" in result.text


async def test_seller_with_place_gets_local_mika(run, tracker):
    result = await run(ACTION, tracker("jag säljer sex", "victim_help", slots={"location": "Borås"}))
    assert "Mikamottagningen Borås" in result.text


async def test_seller_in_malmo_gets_evonhuset(run, tracker):
    result = await run(ACTION, tracker("jag säljer sex", "victim_help", slots={"location": "Malmö"}))
    assert "I Malmö finns Evonhuset" in result.text and "020-35 40 40" in result.text


@pytest.mark.parametrize("intent", ["victim_help", "worried_about_other"])
async def test_unclear_asks_one_question(run, tracker, intent):
    result = await run(ACTION, tracker("jag behöver hjälp", intent))
    assert len(result.texts) == 1 and "?" in result.text
    assert result.slot("awaiting_situation") is True
    assert "020-50 50 50" in result.text  # someone to talk to right away, even before the answer
    payloads = [b["payload"] for b in result.buttons]
    assert '/worried_about_other{"situation": "relative_of_buyer"}' in payloads
    values = [json.loads(p[p.index("{") :])["situation"] for p in payloads]
    assert sorted(values) == ["relative_of_buyer", "relative_of_seller", "sells_sex", "trafficking"]


async def test_button_answer_sets_situation(run, tracker):
    t = tracker(
        '/worried_about_other{"situation": "relative_of_buyer"}',
        "worried_about_other",
        entities=[("situation", "relative_of_buyer")],
        slots={"awaiting_situation": True},
    )
    result = await run(ACTION, t)
    assert result.slot("situation") == "relative_of_buyer" and result.slot("awaiting_situation") is False
    assert "KAST" in result.text


async def test_still_unclear_after_asking_gives_general_answer(run, tracker):
    t = tracker("vet inte", "victim_help", slots={"awaiting_situation": True})
    result = await run(ACTION, t)
    assert result.slot("awaiting_situation") is False
    assert not contract.missing_facts("victim_help", result.text)


async def test_slot_reused_when_it_fits(run, tracker):
    result = await run(ACTION, tracker("vad gör jag nu", "victim_help", slots={"situation": "trafficking"}))
    assert result.slot("situation") == "trafficking"
