"""The scaled stack, live: action server, Rasa (models/current.tar.gz, endpoints.scaled.yml, --debug)
with its tracker store in a throwaway PostgreSQL and its lock store in a throwaway Redis, and the web
front in front of it.

- personal data sent to Rasa is masked before Rasa parses it: nothing of it in the stored events,
  in Rasa's debug log or in the action server's log;
- "radera mitt samtal" deletes the conversation from PostgreSQL;
- faults (last in this module): PostgreSQL, and then Redis, stopped while Rasa runs → the web front
  answers every message with its safety message (112, Kvinnofridslinjen), never a 500, and
  answers normally again by itself once the server is back.
"""

from __future__ import annotations

import json
import time

import pytest

from .conftest import MESSAGES, find_personal, new_sender

SAFETY = ("112", "Kvinnofridslinjen")


def texts(body) -> str:
    if isinstance(body, dict):
        body = body.get("messages", [])
    return " ".join(m.get("text", "") for m in body)


def user_events(rows):
    return [json.loads(data) for _, type_name, _, data in rows if type_name == "user"]


# ---------------------------------------------------------------------------------------------
def test_personal_data_never_reaches_rasa_store_or_logs(live_up):
    sender = new_sender()
    for message in MESSAGES:
        status, body = live_up.send(message, sender)
        assert status == 200 and texts(body), (message, body)
    via_web = live_up.web.new_conversation()
    status, body = live_up.web.say(MESSAGES[2] + " eller mejla anna.svensson@example.se", via_web)
    assert status == 200 and "fallback" not in body, body

    rows = live_up.stored(sender)
    users = user_events(rows)
    # one user event per message (a fallback can add a second one for the same message)
    assert len({e["message_id"] for e in users}) == len(MESSAGES), [e["text"] for e in users]
    for event in users:
        assert "[" in event["text"] and event["text"] == event["parse_data"]["text"]
    assert {"[personnummer]", "[telefon]", "[e-post]", "[adress]", "[ip]"} <= {
        word.strip(",.") for event in users for word in event["text"].split() if word.startswith("[")
    }
    assert user_events(live_up.stored(via_web))[0]["text"].endswith("eller mejla [e-post]")

    everything = "\n".join(f"{s} {t} {i} {d}" for s, t, i, d in live_up.stored())
    assert find_personal(everything) == []

    rasa_log = live_up.rasa_log.read_text(encoding="utf-8", errors="replace")
    assert "processor.message.parse" in rasa_log  # the debug log shows the messages ...
    assert "[personnummer]" in rasa_log or "\\u005bpersonnummer" in rasa_log  # ... masked
    assert find_personal(rasa_log) == []
    assert find_personal(live_up.actions_log.read_text(encoding="utf-8", errors="replace")) == []


def test_radera_mitt_samtal_deletes_the_conversation_from_postgresql(live_up):
    sender = new_sender()
    for message in ("hej", "jag bor på Storgatan 12 i Göteborg", "vad säger sexköpslagen?"):
        assert live_up.send(message, sender)[0] == 200
    assert live_up.stored(sender)

    status, body = live_up.send("radera mitt samtal", sender)
    assert status == 200
    if live_up.stored(sender):
        # a model trained before the examples of delete_conversation: the button payload then
        status, body = live_up.send("/delete_conversation", sender)
        assert status == 200
        rows = live_up.stored(sender)
        if rows and user_events(rows)[-1]["parse_data"]["intent"].get("name") != "delete_conversation":
            pytest.skip("models/current.tar.gz was trained before the intent delete_conversation: retrain")
    assert live_up.stored(sender) == []
    assert "raderat" in texts(body)

    # the same id goes on as a new conversation, without what was said before
    assert live_up.send("hej", sender)[0] == 200
    stored = " ".join(d for *_, d in live_up.stored(sender))
    assert "sexköpslagen" not in stored and "[adress]" not in stored


# ---------------------------------------------------------------------------------------------
def _outage(live, server, label: str) -> None:
    conversation = live.web.new_conversation()
    status, body = live.web.say("hej", conversation)
    assert status == 200 and "fallback" not in body, body

    server.stop()
    down_at = time.monotonic()
    try:
        answers = []
        for message in ("hej", "jag är rädd, han hotar mig", "var finns kast", "ring mig på 070-123 45 67"):
            started = time.monotonic()
            status, body = live.web.say(message, conversation)
            answers.append(time.monotonic() - started)
            assert status == 200, (label, status, body)
            assert body.get("fallback") == "unavailable", (label, body)
            assert all(s in texts(body) for s in SAFETY), body
        assert live.send("hej", new_sender())[0] == 503  # what Rasa itself answers meanwhile
    finally:
        server.start()
    up_at = time.monotonic()

    recovered = None
    deadline = up_at + 60
    while time.monotonic() < deadline:
        status, body = live.web.say("vad säger sexköpslagen?", conversation)
        assert status == 200, body
        if "fallback" not in body:
            recovered = time.monotonic() - up_at
            break
        time.sleep(0.5)
    assert recovered is not None, f"no normal answer 60 s after {label} came back"
    print(
        f"\n[privacy] {label} down {up_at - down_at:.1f} s: safety message in "
        f"{max(answers):.2f} s at most; normal answers again {recovered:.1f} s after restart"
    )
    return conversation


def test_postgresql_down_web_front_gives_safety_message_and_recovers(live_up):
    conversation = _outage(live_up, live_up.pg, "PostgreSQL")
    users = [e["text"] for e in user_events(live_up.stored(conversation))]
    # the conversation from before the outage is still there; nothing was written during it
    assert users[0] == "hej" and "jag är rädd, han hotar mig" not in users
    assert users[-1] == "vad säger sexköpslagen?"


def test_redis_down_web_front_gives_safety_message_and_recovers(live_up):
    _outage(live_up, live_up.redis, "Redis")
