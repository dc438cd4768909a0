"""Fuzzing of POST /api/message (hypothesis) against the running web front: whatever arrives —
random bytes, odd JSON, any Unicode text — the answer is a JSON reply with a known status, never a
server error, and what reaches Rasa is clean text within the length cap."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_helpers import new_id

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=20), children, max_size=5),
    max_leaves=20,
)
# Any code point, lone surrogates and control characters included (sent as JSON \u escapes).
any_text = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()), max_size=1200)


def assert_sane(reply):
    assert reply.status in (200, 400, 413), reply.status
    body = reply.json()
    assert isinstance(body["messages"], list) and body["messages"]
    return body


@FUZZ
@given(body=st.binary(max_size=3000))
def test_random_bytes(web, rasa, body):
    assert_sane(web.post_raw(body))


@FUZZ
@given(value=json_values)
def test_random_json(web, rasa, value):
    assert_sane(web.post_json(value))


@FUZZ
@given(message=any_text, extra=st.sampled_from(["", "\u0000", "\ud800", "\u202e", "\r\n", "\x1b[2J"]))
def test_any_text_in_a_valid_request(web, rasa, message, extra):
    rasa.received.clear()
    reply = web.post_json({"conversation_id": new_id(), "message": extra + message})
    body = assert_sane(reply)
    assert reply.status == 200
    for received in rasa.messages():
        assert received and len(received) <= 1000
        assert all(c == "\n" or unicodedata.category(c) not in ("Cc", "Cs") for c in received)
        assert "\u202e" not in received
    if not rasa.received:
        assert body.get("notice") in ("empty", "too_long")
