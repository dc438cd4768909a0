"""Attacks on the conversation id, against a real web front (`python -m bot.web`) and the fake Rasa:
the server issues the id, and a stale, forged, expired or deleted id gives nothing – except the
safety answer to a crisis. New ids are rate-limited per client; X-Forwarded-For is read only from
trusted proxies; a flood of new ids keeps the front's memory bounded and other people answered."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from web_helpers import WebFront

from bot.domain import safety
from bot.web.ids import DeletedIds, IdIssuer

SECRET = "test-secret-of-at-least-16-chars"


def rss_kb(front: WebFront) -> int:
    for line in Path(f"/proc/{front.process.pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def forge(secret: bytes, random_part: str, expiry: int) -> str:
    mac = hmac.new(secret, f"{random_part}.{expiry}".encode(), hashlib.sha256).digest()
    return f"{random_part}.{expiry}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


@pytest.fixture(scope="module")
def short_web(fake_rasa):
    """Ids valid for 2 seconds; a known secret."""
    front = WebFront(fake_rasa.url, WEB_ID_TTL_HOURS=2 / 3600, WEB_ID_SECRET=SECRET).start()
    yield front
    front.stop()


# ---------------------------------------------------------------- the tokens themselves
def test_issued_token_shape_and_checks():
    issuer = IdIssuer(b"k" * 32, ttl_seconds=60)
    token, expires_at = issuer.issue()
    random_part, expiry, mac = token.split(".")
    assert len(random_part) == 22 and int(expiry) == expires_at and len(mac) == 43
    assert issuer.check(token)
    assert not IdIssuer(b"x" * 32).check(token)  # another secret (a restart without WEB_ID_SECRET)
    for bad in (
        uuid.uuid4().hex,
        token[:-1],
        token + "A",
        f"{random_part}.{int(expiry) + 999}.{mac}",
        token.replace(random_part, "A" * 22),
        "",
        None,
        5,
        "a.b.c",
        token * 3,
    ):
        assert not issuer.check(bad), bad
    assert issuer.mark_deleted(token) and not issuer.check(token) and not issuer.mark_deleted(token)


def test_deleted_ids_are_bounded_and_forgotten_after_expiry():
    now = [1000.0]
    deleted = DeletedIds(max_ids=3, clock=lambda: now[0])
    for n in range(5):
        deleted.add(f"id{n}", 2000 + n)
    assert len(deleted) == 3 and "id4" in deleted and "id0" not in deleted  # soonest to expire go first
    now[0] = 2003.5
    deleted.add("late", 5000)
    assert "id3" not in deleted and "id4" in deleted and "late" in deleted


# ---------------------------------------------------------------- over HTTP
def test_new_conversation_endpoint(web, rasa):
    for body, content_type in (
        (b"", "application/json"),
        (b"{}", "application/json"),
        (b"{}", "text/plain"),
        (b"", ""),
    ):
        reply = web.request("POST", "/api/conversation", body, {"Content-Type": content_type} if content_type else {})
        assert reply.status == 200, (body, content_type, reply.body)
        data = reply.json()
        assert set(data) == {"conversation_id", "expires_at"}
        assert abs(data["expires_at"] - (time.time() + 24 * 3600)) < 60
        assert reply.headers["cache-control"] == "no-store" and "set-cookie" not in reply.headers
    assert (
        web.request(
            "POST", "/api/conversation", b'{"conversation_id": "x"}', {"Content-Type": "application/json"}
        ).status
        == 400
    )
    other = web.request(
        "POST", "/api/conversation", b"{}", {"Content-Type": "application/json", "Origin": "https://elsewhere.example"}
    )
    assert other.status == 403
    assert rasa.received == []


@pytest.mark.parametrize("kind", ["uuid", "tampered", "other-secret", "garbage"])
def test_forged_id_cannot_continue_a_conversation(web, rasa, kind):
    token = web.new_conversation()
    forged = {
        "uuid": uuid.uuid4().hex,
        "tampered": token[:5] + ("B" if token[5] != "B" else "C") + token[6:],
        "other-secret": forge(b"guessed-secret", token.split(".")[0], int(token.split(".")[1])),
        "garbage": "..",
    }[kind]
    reply = web.post_json({"conversation_id": forged, "message": "vad säger lagen"})
    assert reply.status == 401 and reply.json()["error"] == "conversation_expired"
    assert "112" in reply.texts()
    assert web.delete(forged).json() == {"deleted": False}
    assert rasa.received == []


def test_expired_id_gives_nothing(short_web, rasa):
    token = short_web.new_conversation()
    assert short_web.say("hej", token).status == 200
    time.sleep(2.5)
    reply = short_web.say("vad sa jag nyss?", token)
    assert reply.status == 401 and "112" in reply.texts()
    assert short_web.delete(token).json() == {"deleted": False}
    assert rasa.messages() == ["hej"] and rasa.deleted == []


def test_an_id_from_before_a_restart_is_refused(fake_rasa, rasa):
    """Without WEB_ID_SECRET a new key is made at every start; with it ids survive (and are shared
    by several fronts)."""
    first = WebFront(fake_rasa.url, WEB_ID_SECRET="").start()
    try:
        token = first.new_conversation()
    finally:
        first.stop()
    second = WebFront(fake_rasa.url, WEB_ID_SECRET="").start()
    try:
        assert second.say("hej", token).status == 401
    finally:
        second.stop()
    a = WebFront(fake_rasa.url, WEB_ID_SECRET=SECRET).start()
    b = WebFront(fake_rasa.url, WEB_ID_SECRET=SECRET).start()
    try:
        shared = a.new_conversation()
        assert b.say("hej", shared).status == 200
    finally:
        a.stop()
        b.stop()


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_delete_through_the_api(web, rasa, content_type):
    token = web.new_conversation()
    assert web.say("jag bor på Storgatan 12", token).status == 200
    reply = web.delete(token, content_type)
    assert reply.status == 200 and reply.json() == {"deleted": True}
    assert rasa.received[-1]["body"] == {"sender": token, "message": "/delete_conversation"}
    assert rasa.deleted == [token]
    # the deleted id is refused from now on: no continuing, no second deletion
    count = len(rasa.received)
    again = web.say("vad skrev jag?", token)
    assert again.status == 401 and again.json()["error"] == "conversation_expired"
    assert web.delete(token).json() == {"deleted": False}
    assert len(rasa.received) == count


def test_typed_deletion_refuses_the_id(web, rasa):
    token = web.new_conversation()
    web.say("hej", token)
    reply = web.say("Radera mitt samtal!", token)
    assert reply.status == 200 and reply.json()["conversation_deleted"] is True
    assert rasa.deleted == [token]
    assert web.say("hej igen", token).status == 401


def test_a_crisis_gets_the_safety_answer_even_with_a_bad_id(web, rasa):
    for bad in (uuid.uuid4().hex, "x", web.new_conversation() + "x"):
        reply = web.post_json({"conversation_id": bad, "message": "jag vill ta livet av mig"})
        body = reply.json()
        assert reply.status == 200 and body["safety"] == "crisis" and body["conversation_expired"] is True
        assert body["messages"] == [{"text": safety.answers()["crisis"]}]
    assert rasa.received == []


def test_delete_api_is_same_origin_or_cors_only(web, rasa):
    token = web.new_conversation()
    refused = web.delete(token, headers={"Origin": "https://elsewhere.example"})
    assert refused.status == 403 and rasa.received == []
    assert web.say("hej", token).status == 200  # nothing was deleted
    preflight = web.request("OPTIONS", "/api/delete", headers={"Origin": web.env["WEB_CORS_ORIGINS"]})
    assert preflight.status == 204


# ---------------------------------------------------------------- new ids per client
@pytest.fixture(scope="module")
def limited_ids(fake_rasa):
    """3 new ids per minute per address (/64), 5 per /48; behind one trusted proxy (127.0.0.1)."""
    front = WebFront(fake_rasa.url, WEB_NEW_IDS_PER_MINUTE=3, WEB_NEW_IDS_PER_MINUTE_48=5, WEB_PROXIES_COUNT=1).start()
    yield front
    front.stop()


def new_id_status(front, xff=None) -> int:
    headers = {"Content-Type": "application/json"}
    if xff:
        headers["X-Forwarded-For"] = xff
    return front.request("POST", "/api/conversation", b"{}", headers).status


def test_new_ids_are_rate_limited_per_address_and_network(limited_ids, rasa):
    assert [new_id_status(limited_ids, "203.0.113.10") for _ in range(4)] == [200, 200, 200, 429]
    limited = limited_ids.request(
        "POST", "/api/conversation", b"{}", {"Content-Type": "application/json", "X-Forwarded-For": "203.0.113.10"}
    )
    assert "112" in limited.texts() and int(limited.headers["retry-after"]) >= 1
    # a forged entry in front of the proxy's own does not help: the proxy's entry is read
    assert new_id_status(limited_ids, "198.51.100.77, 203.0.113.10") == 429
    assert new_id_status(limited_ids, "203.0.113.11") == 200  # another client
    # IPv6: one /64 is one client, whatever the interface part
    assert [new_id_status(limited_ids, f"2001:db8:1:1::{n}") for n in range(4)] == [200, 200, 200, 429]
    # other /64s of the same /48 share a looser limit (5)
    assert [new_id_status(limited_ids, f"2001:db8:1:{n}::1") for n in range(2, 5)] == [200, 200, 429]
    assert new_id_status(limited_ids, "2001:db8:2:1::1") == 200  # another /48


def test_spoofed_x_forwarded_for_does_not_reset_the_limit(fake_rasa, rasa):
    """The connection does not come from a trusted proxy: X-Forwarded-For is not read at all."""
    front = WebFront(
        fake_rasa.url, WEB_NEW_IDS_PER_MINUTE=3, WEB_PROXIES_COUNT=1, WEB_TRUSTED_PROXIES="192.0.2.1"
    ).start()
    try:
        statuses = [new_id_status(front, f"198.51.100.{n}") for n in range(6)]
        assert statuses == [200, 200, 200, 429, 429, 429]
    finally:
        front.stop()


def test_flood_of_new_ids_keeps_memory_bounded_and_others_answered(fake_rasa, rasa):
    """3 000 requests for new ids from one client (and 3 000 more from as many spoofed addresses): at
    most the limit is issued, the front's memory stays bounded, and a conversation
    that was going on is still answered."""
    front = WebFront(
        fake_rasa.url, WEB_NEW_IDS_PER_MINUTE=10, WEB_PROXIES_COUNT=1, WEB_TRUSTED_PROXIES="192.0.2.1"
    ).start()
    try:
        ongoing = front.new_conversation()
        assert front.say("hej", ongoing).status == 200
        before = rss_kb(front)
        with ThreadPoolExecutor(16) as pool:
            statuses = list(
                pool.map(lambda n: new_id_status(front, f"10.{n // 65536}.{n // 256 % 256}.{n % 256}"), range(6000))
            )
        grown = rss_kb(front) - before
        assert statuses.count(200) == 9 and statuses.count(429) == 5991  # 10 per minute, one used above
        assert grown < 30_000, f"the front grew by {grown} kB"
        reply = front.say("vad säger lagen", ongoing)
        assert reply.status == 200 and "Du skrev" in reply.texts()
    finally:
        front.stop()
