"""Safety is never skipped by the web front: a message too long to pass on and a rate-limited
message are screened first (crisis, danger, child at risk get the same answer as from Rasa), and
every text the front gives when it cannot answer carries 112 and a line that answers now."""

from __future__ import annotations

import json

import pytest
from web_helpers import WebFront, new_id

from bot.domain import safety
from bot.web import texts

ANSWERS = safety.answers()
FILLER = "Jag har en fråga om lagen och om hur det fungerar. "
LINE_NOW = "Kvinnofridslinjen 020-50 50 50 svarar dygnet runt"


def long_message(phrase: str, where: str = "end") -> str:
    body = FILLER * 60  # about 3 000 characters
    return phrase + " " + body if where == "start" else body + " " + phrase


def assert_can_not_answer_text(text: str) -> None:
    assert "112" in text and LINE_NOW in text, text


# ---------------------------------------------------------------- too long


@pytest.mark.parametrize("where", ["start", "end"])
def test_long_crisis_message_gets_the_crisis_answer(web, rasa, where):
    reply = web.say(long_message("Jag orkar inte leva längre.", where))
    assert reply.status == 200
    body = reply.json()
    assert body["safety"] == "crisis" and body["notice"] == "too_long"
    assert body["messages"][0]["text"] == ANSWERS["crisis"]
    assert "90101" in reply.texts() and "112" in reply.texts()
    assert "för långt" in body["messages"][1]["text"]  # and it says that the rest was not read
    assert rasa.received == []


def test_long_danger_message_gets_the_danger_answer(web, rasa):
    body = web.say(long_message("De håller mig inlåst och jag kan inte fly.")).json()
    assert body["safety"] == "immediate_danger"
    assert body["messages"][0]["text"] == ANSWERS["immediate_danger"]


def test_long_message_from_a_minor_who_sells_gets_the_child_answer(web, rasa):
    reply = web.say(long_message("Jag är 15 och säljer bilder.", "start"))
    assert reply.json()["safety"] == "child_at_risk"
    assert "BRIS" in reply.texts() and "116 111" in reply.texts() and "112" in reply.texts()


def test_long_message_without_risk_is_refused_with_112(web, rasa):
    reply = web.say(long_message("Vad säger lagen?"))
    body = reply.json()
    assert reply.status == 200 and body["notice"] == "too_long" and "safety" not in body
    assert "för långt" in reply.texts()
    assert_can_not_answer_text(reply.texts())
    assert rasa.received == []


def test_a_crisis_only_in_the_middle_is_beyond_what_is_read(web, rasa):
    """The limit of the check, written down: the first and the last 1 000 characters."""
    text = FILLER * 30 + " Jag vill dö. " + FILLER * 30
    assert len(text.split("Jag vill dö")[0]) > safety.SCREEN_CHARS
    body = web.say(text).json()
    assert "safety" not in body
    assert_can_not_answer_text(body["messages"][0]["text"])


# ---------------------------------------------------------------- rate limited


@pytest.fixture(scope="module")
def strict_web(fake_rasa):
    front = WebFront(fake_rasa.url, WEB_RATE_CONVERSATION=1, WEB_RATE_CLIENT=100000).start()
    yield front
    front.stop()


def test_rate_limited_crisis_message_gets_the_crisis_answer(strict_web, rasa):
    cid = new_id()
    assert strict_web.say("hej", cid).status == 200
    reply = strict_web.say("jag vill ta livet av mig", cid)
    body = reply.json()
    assert reply.status == 200
    assert body["safety"] == "crisis" and body["rate_limited"] is True
    assert body["messages"] == [{"text": ANSWERS["crisis"]}]
    assert rasa.messages() == ["hej"]


def test_rate_limited_child_message_gets_the_child_answer(strict_web, rasa):
    cid = new_id()
    strict_web.say("hej", cid)
    body = strict_web.say("är det olagligt att sälja sex om man är 16", cid).json()
    assert body["safety"] == "child_at_risk" and body["messages"][0]["text"] == ANSWERS["child_at_risk"]


def test_rate_limited_ordinary_message_gets_a_text_with_112(strict_web, rasa):
    cid = new_id()
    strict_web.say("hej", cid)
    reply = strict_web.say("vad säger lagen", cid)
    assert reply.status == 429 and reply.json()["rate_limited"] is True
    assert reply.texts().startswith("Vänta lite")
    assert_can_not_answer_text(reply.texts())


# ---------------------------------------------------------------- every "cannot answer" text


def test_rasa_down_gets_a_text_with_112(web, rasa):
    rasa.stop()
    body = web.say("hej").json()
    assert body["fallback"] == "unavailable"
    assert_can_not_answer_text(body["messages"][0]["text"])


def test_empty_message_gets_a_text_with_112(web, rasa):
    body = web.say("\u200b \x00").json()
    assert body["notice"] == "empty"
    assert_can_not_answer_text(body["messages"][0]["text"])


def test_bad_request_and_unknown_path_get_a_text_with_112(web, rasa):
    assert_can_not_answer_text(web.post_raw(b"{").texts())
    assert_can_not_answer_text(web.request("GET", "/nope").texts())


@pytest.mark.parametrize(
    "text",
    [
        texts.BUSY,
        texts.UNAVAILABLE,
        texts.RATE_LIMITED,
        texts.too_long(1000),
        texts.EMPTY,
        texts.BAD_REQUEST,
        texts.SERVER_ERROR,
    ],
)
def test_every_text_of_the_front_carries_112_and_a_line_that_answers_now(text):
    assert_can_not_answer_text(text)


def test_the_widget_offline_text_uses_the_same_safety_lines(web):
    widget = web.request("GET", "/widget.js").body.decode("utf-8")
    config = widget.split("var CONFIG = ", 1)[1].split(";\n", 1)[0]
    assert json.loads(config)["safetyLines"] == texts.SAFETY_LINES
    assert "var SAFETY = CONFIG.safetyLines;" in widget
