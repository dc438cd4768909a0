"""The web front in its own environment (.venv-web, requirements-web.lock), as `make run` and the
container image serve it: a current sanic and aiohttp, no Rasa, no TensorFlow.

The other web tests start the front with the test interpreter (.venv, Rasa's sanic 21.12); these
start it with `.venv-web/bin/python -m bot.web` against the fake Rasa and check what changed
between the sanic versions matters nowhere: a chat round trip, the security headers, the safety
answer for a long crisis message, the client address behind a proxy (rate limit), the JSON error
answers, CORS, and several worker processes (started from a factory on current sanic).
"""

from __future__ import annotations

import subprocess

import pytest
from web_helpers import ROOT, WebFront, new_id

from bot.domain import safety

WEB_PYTHON = ROOT / ".venv-web" / "bin" / "python"

pytestmark = pytest.mark.skipif(
    not WEB_PYTHON.exists(),
    reason=".venv-web is missing: build it with `make setup-web` (`make test` and `make run` do)",
)


def web_env(*code: str) -> str:
    """Run Python code in .venv-web and return what it prints."""
    return subprocess.run(
        [str(WEB_PYTHON), "-c", "\n".join(code)], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture(scope="module")
def front(fake_rasa):
    # WebFront runs the front with .venv-web's interpreter when it exists (web_helpers.WEB_PYTHON).
    front = WebFront(
        fake_rasa.url,
        WEB_PROXIES_COUNT=1,
        WEB_RATE_CLIENT=3,
        WEB_RATE_CONVERSATION=100000,
        WEB_CORS_ORIGINS="https://www.example.se",
        WEB_COUNTS_DB="off",
    ).start(timeout=60)
    yield front
    front.stop()


def test_the_environment_has_a_current_sanic_and_no_rasa():
    versions = web_env(
        "import importlib.util, sanic, aiohttp",
        "print(sanic.__version__, aiohttp.__version__,",
        "      *(importlib.util.find_spec(m) is None for m in ('rasa', 'rasa_sdk', 'tensorflow', 'spacy')))",
    ).split()
    assert int(versions[0].split(".")[0]) >= 24, versions
    assert versions[1].startswith("3."), versions
    assert versions[2:] == ["True"] * 4, "Rasa, rasa_sdk, TensorFlow or spaCy is installed in .venv-web"


def test_the_web_front_imports_nothing_of_rasa():
    loaded = web_env(
        "import sys",
        "from bot.web.app import create_app",
        "from bot.web.config import Settings",
        "create_app(Settings(counts_db='off'))",
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in ('rasa', 'tensorflow', 'spacy'))))",
    )
    assert loaded == ""


def test_chat_round_trip(front, rasa):
    cid = new_id()
    reply = front.say("jag vill sluta", cid, headers={"X-Forwarded-For": "198.51.100.1"})
    assert reply.status == 200
    message = reply.json()["messages"][0]
    assert "KAST" in message["text"] and message["buttons"][0] == {"title": "Ja, gärna", "payload": "/affirm"}
    assert rasa.received[-1]["body"] == {"sender": cid, "message": "jag vill sluta"}
    assert "198.51.100.1" not in str(rasa.received[-1])


@pytest.mark.parametrize("path", ["/", "/widget.js", "/healthz"])
def test_security_headers(front, path):
    reply = front.request("GET", path)
    assert reply.status == 200
    headers = reply.headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    assert "set-cookie" not in headers and "server" not in headers
    if path != "/widget.js":
        assert headers["cache-control"] == "no-store"


def test_long_crisis_message_gets_the_safety_answer(front, rasa):
    text = "Jag har en fråga om lagen och om hur det fungerar. " * 60 + " Jag orkar inte leva längre."
    reply = front.say(text, headers={"X-Forwarded-For": "198.51.100.2"})
    body = reply.json()
    assert reply.status == 200 and body["safety"] == "crisis" and body["notice"] == "too_long"
    assert body["messages"][0]["text"] == safety.answers()["crisis"]
    assert rasa.received == []


def test_rate_limit_sees_the_client_behind_the_proxy(front, rasa):
    """WEB_PROXIES_COUNT=1: each X-Forwarded-For address has its own budget (3 here)."""
    first = [front.say("hej", headers={"X-Forwarded-For": "203.0.113.7"}).status for _ in range(4)]
    other = front.say("hej", headers={"X-Forwarded-For": "203.0.113.8"})
    assert first == [200, 200, 200, 429]
    assert other.status == 200


def test_errors_are_json_with_112(front, rasa):
    headers = {"X-Forwarded-For": "198.51.100.3"}
    for reply, status in [
        (front.post_raw(b"{", headers), 400),
        (front.request("GET", "/nope"), 404),
        (front.post_raw(b"x" * 40000, headers), 413),
        (front.post_raw(b"{}", dict(headers, **{"Content-Type": "text/plain"})), 415),
    ]:
        assert reply.status == status
        assert reply.headers["content-type"].startswith("application/json")
        assert "112" in reply.texts()


def test_cors_only_for_the_configured_origin(front, rasa):
    allowed = front.request("OPTIONS", "/api/message", headers={"Origin": "https://www.example.se"})
    assert allowed.status == 204 and allowed.headers["access-control-allow-origin"] == "https://www.example.se"
    other = front.say("hej", headers={"Origin": "https://elsewhere.example", "X-Forwarded-For": "198.51.100.4"})
    assert other.status == 403 and "access-control-allow-origin" not in other.headers


def test_several_workers(fake_rasa, rasa):
    """WEB_WORKERS=2: on current sanic the workers are started from a factory (bot.web.__main__)."""
    front = WebFront(fake_rasa.url, WEB_WORKERS=2, WEB_COUNTS_DB="off").start(timeout=60)
    try:
        replies = [front.say("jag vill sluta") for _ in range(4)]
        assert all(r.status == 200 and "KAST" in r.texts() for r in replies)
        assert "Traceback" not in front.logs()
    finally:
        front.stop()
