"""End to end through Rasa's REST channel on a live server (with the action server)."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.domain import contract
from bot.tools import procs

# Our own phrasings (not training data, not the held-out set) for intents whose answer the
# contract checks. FAQ answers are checked through their button payloads as well.
PHRASES = {
    "bot_challenge": "svarar en riktig människa här eller är det en dator",
    "human_handoff": "jag vill hellre prata med en levande person",
    "want_to_stop_buying": "jag har köpt sex flera gånger och vill verkligen sluta nu",
    "find_kast": "hur får jag kontakt med en kast-mottagning",
    "victim_help": "jag säljer sex och mår dåligt, vart kan jag vända mig",
    "report_suspicion": "hur gör jag en anmälan om människohandel",
    "crisis": "jag vill inte leva längre",
    "immediate_danger": "han hotar att döda mig i kväll och jag kan inte ta mig därifrån",
    "child_at_risk": "min lillasyster är 15 och säljs av sin pojkvän",
    "seeking_to_buy": "tänkte boka en tjej ikväll, vet du nån bra sida",
}


@pytest.mark.parametrize("intent", sorted(PHRASES))
def test_answer_contains_contract_facts(rest, intent):
    answer = rest.text(PHRASES[intent])
    assert not contract.missing_facts(intent, answer), answer


@pytest.mark.parametrize("intent", [i for i in contract.intent_names() if i.startswith(("faq/", "myth/"))])
def test_faq_answer_by_payload(rest, intent):
    answer = rest.text(f"/{intent}")
    assert answer, f"no answer for /{intent}"
    assert not contract.missing_facts(intent, answer), answer
    assert not contract.unknown_numbers(answer)


def test_greeting_offers_topics(rest):
    messages = rest.send("hej")
    assert any(m.get("buttons") for m in messages)
    assert "chattbot" in " ".join(m.get("text", "") for m in messages).lower()


def test_malmo_buyer_gets_evonhuset(rest):
    sender = "malmo-test"
    rest.text("jag vill sluta köpa sex", sender)
    answer = rest.text("jag bor i malmö", sender)
    assert "Evonhuset" in answer and "020-35 40 40" in answer


def test_crisis_interrupts_location_question(rest):
    sender = "crisis-mid-flow"
    first = rest.text("var finns kast", sender)
    assert "KAST" in first
    answer = rest.text("jag orkar inte mer, jag vill dö", sender)
    assert "90101" in answer and "112" in answer
    assert "Umeå" in rest.text("umea", sender)


BAD_INPUT = [
    "",
    "   ",
    "a" * 10_000,
    "😭😭😭",
    "<script>alert(1)</script>",
    "\x00\x01\x02\ufffd\ufffe",
    "Wie kann ich aufhören, für Sex zu bezahlen?",
    "{\"intent\": 1}",
    "/",
    "/nonexistent_intent",
]


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "a" * 10_000,
        "😭😭😭",
        "<script>alert(1)</script>",
        "\x00\x01\x02\ufffd\ufffe",
        "Wie kann ich aufhören, für Sex zu bezahlen?",
        "{\"intent\": 1}",
        "/",
        "/nonexistent_intent",
    ],
    ids=["empty", "spaces", "10k", "emoji", "html", "binary", "german", "json", "slash", "bad-payload"],
)
def test_bad_input_gets_an_answer(rest, message):
    messages = rest.send(message)
    assert messages and any(m.get("text") for m in messages), messages


def test_server_survives_bad_input(rest):
    assert "chattbot" in rest.text("hej").lower()


def test_people_writing_at_the_same_time_each_get_their_own_answer(rest):
    """Messages that arrive together are parsed together (bot.speedups.batched_parse): bad input among them
    must not change anyone's answer, and safety answers stay safety answers."""
    normal = [
        (PHRASES["crisis"], "90101"),
        (PHRASES["immediate_danger"], "112"),
        ("är det olagligt att köpa sex", "fängelse"),
        ("hej", "chattbot"),
        (PHRASES["child_at_risk"], "112"),
    ] * 4
    messages = [text for text, _ in normal] + BAD_INPUT * 2
    with ThreadPoolExecutor(max_workers=len(messages)) as pool:
        answers = list(pool.map(lambda m: rest.send(m), messages))
    for (text, expected), answer in zip(normal, answers):
        joined = " ".join(m.get("text") or "" for m in answer)
        assert expected in joined, (text, joined)
    assert all(any(m.get("text") for m in answer) for answer in answers[len(normal) :])


def test_action_server_down_gives_national_lines(servers, rest):
    """Runs last in this module: stops the action server for good."""
    procs.stop(servers["actions"])
    answer = rest.text("jag vill sluta köpa sex")
    assert "112" in answer and "020-50 50 50" in answer
    assert "90101" in rest.text("jag vill ta livet av mig")  # safety needs no action server
