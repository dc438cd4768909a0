"""Two Rasa replicas share one conversation through PostgreSQL and Redis (`endpoints.scaled.yml`).

One action server and two Rasa replicas (A and B, different ports) run against a database created
for this run on 127.0.0.1:5432 and an unused Redis database number on 127.0.0.1:6379; both are
removed afterwards (database dropped, Redis database flushed). This is the proof that the shared
stores of docs/deployment.md work: a message can land on any replica.

Starting two Rasa servers takes about a minute on two cores (longer on a busy machine); nothing here
measures time.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
import uuid
from types import SimpleNamespace

import pytest

from bench.servers import SCALED_ENDPOINTS, ScaledStores, Servers, personal_data_in
from bot.domain import places, referral
from bot.tools import procs

START_TIMEOUT = 420  # seconds for one Rasa start on a busy two-core machine


def say(base: str, sender: str, message: str, timeout: float = 120) -> str:
    """Send one message to a replica's REST channel; all bot texts of the turn, joined."""
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(base + "/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        assert response.status == 200
        return "\n".join(m.get("text") or "" for m in json.loads(response.read()))


@pytest.fixture(scope="module")
def scaled(model_path, tmp_path_factory):
    """Action server + replicas A and B on endpoints.scaled.yml, a fresh database and Redis db."""
    stores = ScaledStores(prefix="jamchat_test")
    servers = Servers(tmp_path_factory.mktemp("scale-logs"))
    try:
        stores.create()
        actions = servers.actions()
        rasa_a, url_a = servers.rasa("a", SCALED_ENDPOINTS, stores.env(), model=model_path)
        rasa_b, url_b = servers.rasa("b", SCALED_ENDPOINTS, stores.env(), model=model_path)
        procs.wait_http(f"http://127.0.0.1:{servers.action_port}/health", timeout=60, proc=actions)
        servers.wait(url_a, rasa_a, timeout=START_TIMEOUT)
        servers.wait(url_b, rasa_b, timeout=START_TIMEOUT)
        yield SimpleNamespace(stores=stores, servers=servers, a=url_a, b=url_b)
    finally:
        servers.stop()
        stores.drop()


@pytest.fixture(scope="module")
def carried(scaled):
    """One conversation: the buyer's wish on replica A, the place on replica B."""
    sender = uuid.uuid4().hex
    first = say(scaled.a, sender, "jag vill sluta köpa sex")
    second = say(scaled.b, sender, "umea")
    return SimpleNamespace(sender=sender, first=first, second=second)


def test_location_asked_on_a_is_remembered_on_b(carried, scaled):
    assert "bor du" in carried.first, carried.first + "\n" + scaled.servers.tail()
    umea = referral.for_place(places.find_place("Umeå"))[0].text  # "I Umeå finns KAST Umeå. …"
    assert "KAST Umeå" in umea
    assert umea in carried.second, carried.second + "\n" + scaled.servers.tail()


def test_the_conversation_is_stored_in_postgresql(carried, scaled):
    events = scaled.stores.events(carried.sender)
    user_texts = [data.get("text") for _, kind, data in events if kind == "user"]
    assert user_texts == ["jag vill sluta köpa sex", "umea"]
    slots = [(data["name"], data["value"]) for _, kind, data in events if kind == "slot"]
    assert ("awaiting_location", True) in slots
    assert ("location", "Umeå") in slots
    actions = [data["name"] for _, kind, data in events if kind == "action"]
    assert actions.count("action_referral") == 2
    bot_texts = " ".join(data.get("text") or "" for _, kind, data in events if kind == "bot")
    assert "KAST Umeå" in bot_texts
    assert "action_server_down" not in json.dumps([data for _, _, data in events])


def test_replicas_take_turns_through_the_redis_lock(scaled):
    """While someone else holds the conversation's lock in Redis, replica B waits for it."""
    from rasa.core.lock import TicketLock

    sender = uuid.uuid4().hex
    red = scaled.stores.redis()
    key = "lock:" + sender  # Rasa's RedisLockStore key
    lock = TicketLock(sender)
    ours = lock.issue_ticket(300)
    red.set(key, lock.dumps())

    answer = {}
    thread = threading.Thread(target=lambda: answer.update(text=say(scaled.b, sender, "hej")), daemon=True)
    thread.start()

    def stored() -> TicketLock:
        raw = red.get(key)
        return TicketLock.from_dict(json.loads(raw)) if raw else TicketLock(sender)

    try:
        # B has received the message once it has queued its own ticket behind ours.
        deadline = time.monotonic() + 120
        while len(stored().tickets) < 2 and time.monotonic() < deadline and thread.is_alive():
            time.sleep(0.1)
        assert len(stored().tickets) == 2, "replica B did not queue behind the lock held in Redis"
        assert thread.is_alive() and not answer, "replica B answered while the lock was held"
    finally:
        # Give the lock up as Rasa does (remove our ticket); again if B's own update of the lock
        # happened to write our ticket back.
        deadline = time.monotonic() + 120
        while thread.is_alive() and time.monotonic() < deadline:
            current = stored()
            if any(ticket.number == ours for ticket in current.tickets):
                current.remove_ticket_for(ours)
                red.set(key, current.dumps())
            thread.join(0.5)
    assert answer.get("text"), "replica B did not answer after the lock was released"


def test_personal_data_is_masked_in_postgresql(scaled):
    sender = uuid.uuid4().hex
    say(scaled.a, sender, "jag heter inget men ring mig på 070-123 45 67 eller mejla anna.svensson@example.se")
    say(scaled.b, sender, "mitt personnummer är 19850709-1234 och jag bor på Storgatan 12 i Umeå")
    events = scaled.stores.events(sender)
    stored = json.dumps([data for _, _, data in events], ensure_ascii=False)
    for secret in ("070-123 45 67", "anna.svensson@example.se", "19850709-1234", "Storgatan 12"):
        assert secret not in stored
    assert personal_data_in(events)["user"] == []
