"""The web front over HTTP (a real `python -m bot.web` process against the fake Rasa), and its
small parts in-process: validation, text cleaning, rate limiting, settings."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from web_helpers import ROOT, WebFront, new_id

from bot.web.config import Settings
from bot.web.ratelimit import ClientKeyer, SlidingWindowLimiter
from bot.web.relay import clean_bot_messages
from bot.web.validation import BadRequest, clean_text, parse_message_request

STATIC = ROOT / "bot" / "web" / "static"
SAFETY_NUMBERS = ("112", "020-50 50 50")


# ---------------------------------------------------------------- relaying


def test_message_is_relayed_with_buttons(web, rasa):
    cid = new_id()
    reply = web.say("Jag vill sluta köpa sex", cid)
    assert reply.status == 200
    body = reply.json()
    assert "KAST" in body["messages"][0]["text"]
    assert body["messages"][0]["buttons"] == [
        {"title": "Ja, gärna", "payload": "/affirm"},
        {"title": "Nej tack", "payload": "/deny"},
    ]
    assert "fallback" not in body
    assert rasa.received[0]["body"] == {"sender": cid, "message": "Jag vill sluta köpa sex"}


def test_nothing_about_the_client_reaches_rasa(web, rasa):
    web.say("hej", headers={"X-Forwarded-For": "203.0.113.9", "Cookie": "a=b", "Referer": "https://x.se/"})
    headers = {k.lower(): v for k, v in rasa.received[0]["headers"].items()}
    for name in ("x-forwarded-for", "forwarded", "x-real-ip", "cookie", "referer", "origin"):
        assert name not in headers
    assert "203.0.113.9" not in repr(rasa.received)


def test_only_text_and_buttons_of_rasa_answers_are_passed_on():
    raw = [
        {"recipient_id": "x", "text": "hej", "image": "http://tracker.example/p.gif"},
        {"recipient_id": "x", "custom": {"a": 1}},
        {"text": "", "buttons": [{"title": "Ja"}, {"payload": "/x"}, "junk"]},
        "junk",
    ]
    assert clean_bot_messages(raw) == [{"text": "hej"}, {"buttons": [{"title": "Ja", "payload": "Ja"}]}]
    assert clean_bot_messages({"text": "not a list"}) is None


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "body, error",
    [
        (b"{bad", "invalid JSON"),
        (b"", "empty body"),
        (b"[]", "must be a JSON object"),
        (b'"text"', "must be a JSON object"),
        (b'{"message": "hej"}', "missing field: conversation_id"),
        (b'{"conversation_id": "0123456789ab4def8123456789abcdef"}', "missing field: message"),
        (b'{"conversation_id": "0123456789ab4def8123456789abcdef", "message": 5}', "message must be a JSON string"),
        (b'{"conversation_id": "0123456789ab4def8123456789abcdef", "message": "x", "ip": "1"}', "unknown field"),
        (b'{"conversation_id": "", "message": "hej"}', "POST /api/conversation"),
        (b'{"conversation_id": "' + b"a" * 201 + b'", "message": "hej"}', "POST /api/conversation"),
        (b'{"conversation_id": null, "message": "hej"}', "conversation_id must be a JSON string"),
        (b"\xff\xfe\x00binary\x80", "not valid UTF-8"),
        (b"[" * 15000 + b"]" * 15000, "nested too deeply"),
        (
            b'{"conversation_id": "0123456789ab4def8123456789abcdef", "message": "x", "n": ' + b"1" * 5000 + b"}",
            "invalid JSON",
        ),
    ],
    ids=lambda value: repr(value[:24]) if isinstance(value, bytes) else None,
)
def test_bad_requests_get_400_with_a_clear_error(web, rasa, body, error):
    reply = web.post_raw(body)
    assert reply.status == 400
    assert error in reply.json()["error"]
    assert reply.json()["messages"][0]["text"]  # and a Swedish text for the widget
    assert rasa.received == []


def test_error_does_not_echo_the_input():
    with pytest.raises(BadRequest) as caught:
        parse_message_request(b'{"conversation_id": "0123456789ab4def8123456789abcdef", "message": "x", "<script>": 1}')
    assert "<script>" not in str(caught.value)


def test_not_json_content_type_gets_415(web, rasa):
    reply = web.post_raw(b"conversation_id=x&message=hej", {"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 415
    assert "application/json" in reply.json()["error"]


def test_json_with_charset_is_accepted(web, rasa):
    reply = web.say("hej", headers={"Content-Type": "application/json; charset=utf-8"})
    assert reply.status == 200


def test_too_long_message_gets_a_friendly_swedish_reply(web, rasa):
    reply = web.say("å" * 1001)
    assert reply.status == 200
    assert reply.json()["notice"] == "too_long"
    assert "för långt" in reply.texts() and "1\u00a0000" in reply.texts()
    assert rasa.received == []
    assert web.say("å" * 1000).json()["messages"][0]["text"].startswith("Du skrev")


def test_control_characters_are_stripped_before_rasa(web, rasa):
    cid = web.new_conversation().encode()
    reply = web.post_raw(
        b'{"conversation_id": "' + cid + b'", '
        b'"message": "hej\\u0000\\u0007 d\\u00e4r\\u202e\\ud800\\u200b\\r\\n\\u001b[31m!"}'
    )
    assert reply.status == 200
    assert rasa.messages() == ["hej där\n[31m!"]


def test_empty_message_after_cleaning_is_not_forwarded(web, rasa):
    reply = web.say(" \u0000\u200b\t ")
    assert reply.status == 200 and reply.json()["notice"] == "empty"
    assert rasa.received == []


def test_huge_payload_is_refused_and_the_server_survives(web, rasa):
    try:
        reply = web.post_raw(b'{"message": "' + b"x" * 2_000_000 + b'"}')
        assert reply.status == 413
    except ConnectionError:
        pass  # the server may close the connection before the client finished sending
    assert web.request("GET", "/healthz").status == 200
    assert web.say("hej").status == 200


def test_just_over_the_size_limit_gets_413_json(web, rasa):
    reply = web.post_raw(b"x" * 40_000)
    assert reply.status == 413
    assert reply.json()["error"] == "request too large"


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("  hej  där  ", "hej där"),
        ("a\r\nb\rc\td", "a\nb\nc d"),
        ("a\n\n\n\n\nb", "a\n\nb"),
        ("a\u0000b\u0085c\u009fd", "abcd"),
        ("\u202egnirts\u202c \u2066x\u2069", "gnirts x"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("lone \ud800 surrogate", "lone surrogate"),
        ("a\u030a", "\u00e5"),  # NFC: a + combining ring -> å
        ("👍🏽 👨‍👩‍👧", "👍🏽 👨‍👩‍👧"),  # emoji with modifiers and joiners stay
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


# ---------------------------------------------------------------- rate limits


@pytest.fixture(scope="module")
def limited_web(fake_rasa):
    front = WebFront(
        fake_rasa.url, WEB_RATE_CONVERSATION=3, WEB_RATE_CLIENT=5, WEB_RATE_WINDOW=60, WEB_PROXIES_COUNT=1
    ).start()
    yield front
    front.stop()


def test_rate_limit_per_conversation(limited_web, rasa):
    cid, ip = new_id(), {"X-Forwarded-For": "198.51.100.1"}
    assert [limited_web.say("hej", cid, headers=ip).status for _ in range(3)] == [200, 200, 200]
    reply = limited_web.say("hej", cid, headers=ip)
    assert reply.status == 429
    assert reply.texts().startswith("Vänta lite")
    assert reply.json()["rate_limited"] is True
    assert 1 <= int(reply.headers["retry-after"]) <= 60
    assert limited_web.say("hej", new_id(), headers=ip).status == 200  # another conversation goes on
    assert len(rasa.received) == 4


def test_rate_limit_per_client(limited_web, rasa):
    ip = {"X-Forwarded-For": "198.51.100.2"}
    statuses = [limited_web.say("hej", new_id(), headers=ip).status for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert limited_web.say("hej", new_id(), headers={"X-Forwarded-For": "198.51.100.3"}).status == 200


def test_sliding_window_limiter():
    now = [100.0]
    limiter = SlidingWindowLimiter(2, 10, clock=lambda: now[0])
    assert limiter.hit("a") == 0 and limiter.hit("a") == 0
    assert limiter.hit("a") == pytest.approx(10)
    assert limiter.hit("b") == 0
    now[0] += 10.5
    assert limiter.hit("a") == 0
    now[0] += 30
    limiter.hit("c")
    assert len(limiter) == 1  # expired keys were swept


def test_limiter_memory_is_bounded():
    limiter = SlidingWindowLimiter(5, 60, max_keys=100)
    for i in range(1000):
        limiter.hit(i)
    assert len(limiter) <= 100


def test_client_keys_are_keyed_hashes_not_addresses():
    keyer = ClientKeyer()
    key = keyer("203.0.113.5")
    assert key == keyer("203.0.113.5") and key != keyer("203.0.113.6")
    assert b"203" not in key and len(key) == 16
    assert ClientKeyer()("203.0.113.5") != key  # a new secret each start: nothing to look up
    assert keyer("2001:db8:1:2::1") == keyer("2001:db8:1:2:ffff::9")  # same /64
    assert keyer("2001:db8:1:3::1") != keyer("2001:db8:1:2::1")
    assert keyer("::ffff:203.0.113.5") == key


# ---------------------------------------------------------------- Rasa busy, slow or down


@pytest.fixture(scope="module")
def busy_web(fake_rasa):
    front = WebFront(
        fake_rasa.url,
        WEB_RASA_CONCURRENCY=2,
        WEB_RASA_QUEUE_TIMEOUT=0.3,
        WEB_RASA_TIMEOUT=1.5,
        WEB_RATE_CLIENT=100000,
        WEB_RATE_CONVERSATION=100000,
    ).start()
    yield front
    front.stop()


def assert_safety_message(reply, fallback):
    assert reply.status == 200
    assert reply.json()["fallback"] == fallback
    for number in SAFETY_NUMBERS:
        assert number in reply.texts()
    assert "Kvinnofridslinjen" in reply.texts()


def test_slow_rasa_gets_busy_message_not_a_timeout(busy_web, rasa):
    rasa.delay = 4  # longer than WEB_RASA_TIMEOUT: the front answers "busy" itself, without Rasa's reply
    reply = busy_web.say("hej")
    assert_safety_message(reply, "busy")


def test_saturated_rasa_gets_busy_messages(busy_web, rasa):
    rasa.delay = 1.0
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda _: busy_web.say("hej"), range(8)))
    outcomes = [r.json().get("fallback", "ok") for r in replies]
    assert all(r.status == 200 for r in replies)
    assert 1 <= outcomes.count("ok") <= 4 and outcomes.count("busy") >= 4
    for reply in replies:
        if reply.json().get("fallback"):
            assert_safety_message(reply, "busy")


def test_rasa_down_gets_safety_message_and_recovers(web, rasa):
    rasa.stop()
    assert_safety_message(web.say("hej"), "unavailable")
    rasa.start()
    assert web.say("hej").json()["messages"][0]["text"] == "Du skrev: hej"


@pytest.mark.parametrize("fault", ["status", "garbage"])
def test_rasa_errors_get_safety_message(web, rasa, fault):
    if fault == "status":
        rasa.status = 500
    else:
        rasa.garbage = True
    assert_safety_message(web.say("hej"), "unavailable")


# ---------------------------------------------------------------- headers, privacy, CORS


@pytest.mark.parametrize("path", ["/", "/widget.js", "/widget.css", "/static/page.css", "/healthz", "/nope"])
def test_security_headers(web, path):
    reply = web.request("GET", path)
    csp = reply.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in reply.headers


def test_page_and_api_are_not_cached(web, rasa):
    assert web.request("GET", "/").headers["cache-control"] == "no-store"
    assert web.say("hej").headers["cache-control"] == "no-store"


def test_widget_may_be_loaded_by_other_sites(web):
    reply = web.request("GET", "/widget.js")
    assert reply.headers["cross-origin-resource-policy"] == "cross-origin"
    assert reply.headers["content-type"].startswith("text/javascript")
    assert b'"exitUrl": "https://www.google.se"' in reply.body  # the configured settings are spliced in


def test_frame_ancestors_is_configurable(fake_rasa):
    front = WebFront(fake_rasa.url, WEB_FRAME_ANCESTORS="'self' https://www.jamstalldhetsmyndigheten.se").start()
    try:
        headers = front.request("GET", "/").headers
        assert "frame-ancestors 'self' https://www.jamstalldhetsmyndigheten.se" in headers["content-security-policy"]
        assert "x-frame-options" not in headers
    finally:
        front.stop()


def test_no_cookies_anywhere(web, rasa):
    replies = [
        web.request("GET", "/"),
        web.request("GET", "/widget.js"),
        web.say("hej"),
        web.post_raw(b"{bad"),
        web.request("GET", "/nope"),
        web.request("OPTIONS", "/api/message", headers={"Origin": rasa.url}),
    ]
    for reply in replies:
        assert not any(name.lower() == "set-cookie" for name, _ in reply.header_list)


def test_page_loads_nothing_from_elsewhere_and_has_no_inline_script():
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<script\b[^>]*>", page) == ['<script src="/widget.js" data-mount="jamchat">']
    assert " style=" not in page and "on" + "click" not in page
    for name in ("index.html", "widget.css", "page.css"):
        text = (STATIC / name).read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=\"(https?:)?//", text), name
        assert "@import" not in text and "url(http" not in text


def test_widget_never_writes_html():
    script = (STATIC / "widget.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script


def test_cors_only_for_configured_origins(web, rasa):
    allowed, other = rasa.url, "https://evil.example"
    preflight = web.request(
        "OPTIONS", "/api/message", headers={"Origin": allowed, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status == 204
    assert preflight.headers["access-control-allow-origin"] == allowed
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()
    refused = web.request("OPTIONS", "/api/message", headers={"Origin": other, "Access-Control-Request-Method": "POST"})
    assert refused.status == 403 and "access-control-allow-origin" not in refused.headers
    ok = web.say("hej", headers={"Origin": allowed})
    assert ok.status == 200 and ok.headers["access-control-allow-origin"] == allowed
    assert web.say("hej", headers={"Origin": other}).status == 403
    same = web.say("hej", headers={"Origin": web.url})
    assert same.status == 200 and "access-control-allow-origin" not in same.headers
    assert len(rasa.received) == 2


def test_no_ip_address_or_message_text_in_logs(web, rasa):
    secret_ip, secret_text = "203.0.113.77", "hemlig-text-4711"
    headers = {"X-Forwarded-For": secret_ip, "User-Agent": "agent-" + secret_ip}
    web.say(secret_text, headers=headers)
    web.post_raw(b"{" + secret_text.encode(), headers)
    web.post_raw(b"x" * 40_000, headers)
    rasa.stop()
    web.say(secret_text, headers=headers)
    rasa.start()
    time.sleep(0.3)
    logs = web.logs()
    assert "Rasa cannot be reached" in logs  # the log works, it just holds no personal data
    assert secret_ip not in logs and secret_text not in logs
    assert "/api/message" not in logs  # no access log


# ---------------------------------------------------------------- settings


def test_settings_from_environment():
    settings = Settings.from_env(
        {
            "WEB_PORT": "8080",
            "RASA_URL": "http://rasa:5005/",
            "WEB_CORS_ORIGINS": "https://a.se, https://b.se/",
            "WEB_RATE_WINDOW": "30",
            "WEB_EXIT_URL": "https://www.svt.se/",
        }
    )
    assert settings.port == 8080
    assert settings.webhook_url == "http://rasa:5005/webhooks/rest/webhook"
    assert settings.cors_origins == ("https://a.se", "https://b.se")
    assert settings.rate_window == 30.0
    assert settings.exit_url == "https://www.svt.se"
    assert Settings.from_env({}).port == 8000


@pytest.mark.parametrize(
    "name, value",
    [
        ("WEB_PORT", "x"),
        ("WEB_RATE_CLIENT", "0"),
        ("WEB_EXIT_URL", "javascript:alert(1)"),
        ("WEB_CORS_ORIGINS", "*"),
        ("WEB_FRAME_ANCESTORS", "'self'; script-src *"),
        ("RASA_URL", "rasa:5005"),
    ],
)
def test_bad_settings_stop_start_up_with_the_variable_name(name, value):
    with pytest.raises(SystemExit, match=name):
        Settings.from_env({name: value})
