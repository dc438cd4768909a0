"""Attacks on the embedded chat from the page that embeds it, in real Chromium.

The chat's server runs on http://127.0.0.1:<port>; the host page comes from another site,
http://localhost:<other port> (a tiny static server, also on 127.0.0.1), listed in
WEB_FRAME_ANCESTORS. A script of the host page – what a tag manager, an analytics script or a
compromised CDN could run – tries to read the conversation: the host page's storage and DOM, the
frame's document and storage, the postMessage traffic, and its own fetch/XMLHttpRequest/sendBeacon
(wrapped before the chat loads). It must find neither a message nor the conversation id. The same
host page opened as http://127.0.0.1:<other port> is not in WEB_FRAME_ANCESTORS, and the browser
refuses to show the chat in its frame (the host page gets a text with 112 instead).

Also: the quick exit from the frame's button and with Esc on the host page leave the host page and
send a beacon deleting the conversation; "Radera samtalet" deletes it with the current id and the
next message uses a new one; "Börja om" sends a beacon too.
"""

from __future__ import annotations

import http.server
import json
import re
import threading

import pytest
from fake_rasa import free_port
from playwright.sync_api import expect
from test_browser import CHROMIUM, CHROMIUM_ARGS, EXIT, ID_PATTERN, browser, new_context, run_axe  # noqa: F401
from web_helpers import WebFront

SECRET = "hemlig-text-4711"

# Runs in the host page (only there, not in the chat's frame) before any of its scripts: records
# what a hostile script could see of the network calls and of the messages the frame posts.
SPY = """
(() => {
  if (location.port !== '%(port)s') return;
  const seen = window.__seen = [];
  const note = (kind, value) => { try { seen.push(kind + ' ' + (typeof value === 'string' ? value : JSON.stringify(value))); } catch (e) {} };
  const fetch0 = window.fetch;
  window.fetch = function (url, init) { note('fetch', String(url) + ' ' + ((init && init.body) || '')); return fetch0.apply(this, arguments); };
  const send0 = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (body) { note('xhr', body || ''); return send0.apply(this, arguments); };
  const beacon0 = navigator.sendBeacon.bind(navigator);
  navigator.sendBeacon = (url, data) => { note('beacon', String(url)); return beacon0(url, data); };
  window.addEventListener('message', e => note('message', e.data), true);
})();
"""

# Everything the host page's scripts try to read about the chat.
STEAL = """
() => {
  const found = {};
  const attempt = (name, f) => { try { found[name] = String(f()); } catch (e) { found[name] = 'blocked: ' + e.name; } };
  attempt('host sessionStorage', () => JSON.stringify(Object.assign({}, sessionStorage)));
  attempt('host localStorage', () => JSON.stringify(Object.assign({}, localStorage)));
  attempt('host cookie', () => document.cookie);
  attempt('host document', () => document.documentElement.outerHTML);
  const frame = document.querySelector('iframe');
  attempt('iframe.contentDocument', () => frame.contentDocument);
  attempt('iframe document text', () => frame.contentDocument.body.textContent);
  attempt('iframe location', () => frame.contentWindow.location.href);
  attempt('frames[0].sessionStorage', () => JSON.stringify(Object.assign({}, window.frames[0].sessionStorage)));
  attempt('frames[0].localStorage', () => JSON.stringify(Object.assign({}, window.frames[0].localStorage)));
  attempt('frames[0].document', () => window.frames[0].document.body.innerText);
  attempt('window.__jamchat globals', () => Object.keys(window).filter(k => /jamchat/i.test(k)).join(','));
  attempt('what the spy saw', () => JSON.stringify(window.__seen || []));
  return found;
}
"""


class HostSite:
    """A tiny static server on 127.0.0.1 serving a page that embeds the chat with the one-line tag."""

    def __init__(self, chat_url: str) -> None:
        self.port = free_port()
        page = (
            "<!doctype html><html lang='sv'><head><meta charset='utf-8'><title>Värdsida</title>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'></head>"
            "<body><main><h1>En annan webbplats</h1><p>Sidan bäddar in chatten.</p></main>"
            f"<script src='{chat_url}/widget.js' data-campaign='test-sok' async></script></body></html>"
        ).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                status, body = (200, page) if self.path.startswith("/host.html") else (404, b"")
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.allowed = f"http://localhost:{self.port}"  # another site than 127.0.0.1
        self.refused = f"http://127.0.0.1:{self.port}"  # not in WEB_FRAME_ANCESTORS

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def sites(fake_rasa):
    front = WebFront(
        fake_rasa.url,
        WEB_NEW_IDS_PER_MINUTE=100000,
        WEB_NEW_IDS_PER_MINUTE_48=100000,
        WEB_RATE_CLIENT=100000,
        WEB_RATE_CONVERSATION=100000,
    )
    host = HostSite(front.url)
    front.env["WEB_FRAME_ANCESTORS"] = host.allowed
    front.start()
    yield front, host
    front.stop()
    host.close()


class Embedded:
    """The host page with the chat opened in its frame, and every request the tab made."""

    def __init__(self, context, url: str, port: int) -> None:
        self.page = context.new_page()
        self.page.add_init_script(SPY % {"port": port})
        self.requests = []
        self.page.on("request", lambda request: self.requests.append(request))
        self.page.goto(url)
        self.page.get_by_role("button", name="Chatta anonymt").click()
        self.chat = self.page.frame_locator("#jamchat-frame")
        expect(self.chat.locator("#jamchat-input")).to_be_visible()

    def frame(self):
        return next(f for f in self.page.frames if "/chat?" in f.url)

    def token(self) -> str:
        """The conversation id of the last message (the test sees the frame's requests; the host
        page's scripts do not)."""
        return self.ids_sent()[-1]

    def say(self, text: str, answer: str) -> None:
        self.chat.locator("#jamchat-input").fill(text)
        self.chat.locator("#jamchat-input").press("Enter")
        expect(self.chat.locator(".jc-bot").filter(has_text=answer).last).to_be_visible()

    def deletions(self):
        """(content type, conversation id) of each POST /api/delete."""
        return [
            (r.headers.get("content-type", "").split(";")[0], json.loads(r.post_data)["conversation_id"])
            for r in self.requests
            if r.url.endswith("/api/delete")
        ]

    def wait_until(self, check, seconds: float = 10.0) -> bool:
        """Whether `check()` came true within `seconds`. Waiting through the page lets Playwright
        deliver the events it holds (a beacon sent as the tab leaves may be reported after the
        navigation it raced with)."""
        for _ in range(int(seconds * 10)):
            if check():
                return True
            self.page.wait_for_timeout(100)
        return check()

    def wait_for_beacon(self, token: str) -> list:
        """The deletions, once the beacon for `token` has been seen (or after 10 s)."""
        self.wait_until(lambda: ("text/plain", token) in self.deletions())
        return self.deletions()

    def ids_sent(self):
        return [json.loads(r.post_data)["conversation_id"] for r in self.requests if r.url.endswith("/api/message")]


@pytest.fixture
def context(browser):
    context = new_context(browser)
    yield context
    context.close()


def test_the_host_page_cannot_read_the_conversation(context, sites, rasa):
    front, host = sites
    embedded = Embedded(context, host.allowed + "/host.html", host.port)
    embedded.say(SECRET, "Du skrev")
    token = embedded.token()
    assert ID_PATTERN.match(token)
    found = embedded.page.evaluate(STEAL)
    leaks = {name: value for name, value in found.items() if SECRET in value or token in value}
    assert leaks == {}, leaks
    # The frame's document and storage are out of reach altogether.
    for name in (
        "iframe.contentDocument",
        "iframe document text",
        "iframe location",
        "frames[0].sessionStorage",
        "frames[0].localStorage",
        "frames[0].document",
    ):
        assert found[name] in ("null", "blocked: SecurityError", "blocked: TypeError"), (name, found[name])
    assert found["host sessionStorage"] == "{}" and found["host localStorage"] == "{}"
    assert found["host cookie"] == "" and context.cookies() == []
    seen = json.loads(found["what the spy saw"])
    assert not any("/api/" in s for s in seen), seen  # the chat's calls are not the host page's
    assert {json.loads(s.split(" ", 1)[1])["type"] for s in seen if s.startswith("message ")} <= {"jamchat-ready"}
    # and the conversation really is in the frame (in memory: this browser, like Chrome's private
    # windows, gives a frame of another site no storage at all)
    assert SECRET in embedded.frame().evaluate("document.querySelector('.jc-log').textContent")
    assert "SecurityError" in embedded.frame().evaluate(
        "() => { try { sessionStorage.length; return 'storage'; } catch (e) { return e.name; } }"
    )
    assert rasa.received[-1]["sender"] == token


def test_the_frame_refuses_a_site_not_in_frame_ancestors(context, sites):
    front, host = sites
    headers = front.request("GET", "/chat").headers
    assert f"frame-ancestors 'self' {host.allowed}" in headers["content-security-policy"]
    assert "x-frame-options" not in headers
    page = context.new_page()
    messages = []
    page.on("console", lambda m: messages.append(m.text))
    page.goto(host.refused + "/host.html")
    page.get_by_role("button", name="Chatta anonymt").click()
    fallback = page.get_by_role("alert")
    expect(fallback).to_contain_text("Chatten kan inte visas här just nu.")
    expect(fallback).to_contain_text("112")
    expect(fallback.get_by_role("link", name=re.compile("Öppna chatten på en egen sida"))).to_have_attribute(
        "href", front.url + "/?kampanj=test-sok"
    )
    assert not any(f.url.startswith(front.url) for f in page.frames)  # the browser showed no chat document
    assert any("frame-ancestors" in m for m in messages), messages
    assert page.frame_locator("#jamchat-frame").locator("#jamchat-input").count() == 0


def test_quick_exit_button_in_the_frame_leaves_the_host_page(context, sites, rasa):
    front, host = sites
    embedded = Embedded(context, host.allowed + "/host.html", host.port)
    embedded.say("hej", "Du skrev")
    token = embedded.token()
    embedded.chat.get_by_role("button", name="Lämna sidan snabbt").click()
    embedded.page.wait_for_url(EXIT)
    assert ("text/plain", token) in embedded.wait_for_beacon(token)  # a beacon
    embedded.page.go_back()
    assert not embedded.page.url.startswith(host.allowed)  # replaced in the history, not left behind
    again = Embedded(context, host.allowed + "/host.html", host.port)
    expect(again.chat.locator(".jc-user")).to_have_count(0)  # nothing of the conversation is left


def test_escape_on_the_host_page_leaves_and_deletes(context, sites, rasa):
    front, host = sites
    embedded = Embedded(context, host.allowed + "/host.html", host.port)
    embedded.say("hej", "Du skrev")
    token = embedded.token()
    embedded.page.locator("h1").click()  # focus is on the host page, not in the frame
    assert embedded.page.evaluate("document.activeElement.tagName") == "BODY"
    embedded.page.keyboard.press("Escape")
    embedded.page.wait_for_url(EXIT)
    assert ("text/plain", token) in embedded.wait_for_beacon(token)
    deleted = {"sender": token, "message": "/delete_conversation"}  # passed on after the beacon's answer
    assert embedded.wait_until(lambda: deleted in [r["body"] for r in rasa.received]), rasa.received
    assert front.say("hej", conversation_id=token).status == 401  # the old id is refused from now on


def test_erase_deletes_with_the_current_id_and_then_uses_a_new_one(context, sites, rasa):
    front, host = sites
    embedded = Embedded(context, host.allowed + "/host.html", host.port)
    embedded.say(SECRET, "Du skrev")
    old = embedded.token()
    with embedded.page.expect_response(lambda r: r.url.endswith("/api/conversation")) as issued:
        with embedded.page.expect_response(lambda r: r.url.endswith("/api/delete")) as deleted:
            embedded.chat.get_by_role("button", name="Radera samtalet").click()
    assert deleted.value.json() == {"deleted": True}
    assert ID_PATTERN.match(issued.value.json()["conversation_id"])
    expect(embedded.chat.locator(".jc-status")).to_contain_text("Samtalet är raderat ur chattens lagring")
    expect(embedded.chat.locator(".jc-user")).to_have_count(0)
    assert embedded.deletions() == [("application/json", old)]
    assert SECRET not in embedded.frame().evaluate("document.body.textContent")
    embedded.say("igen", "Du skrev: igen")
    new = embedded.token()
    assert new == issued.value.json()["conversation_id"] and embedded.ids_sent() == [old, new]
    assert {"sender": old, "message": "/delete_conversation"} in [r["body"] for r in rasa.received]
    assert front.say("hej", conversation_id=old).status == 401


def test_restart_sends_a_beacon_for_the_old_conversation(context, sites, rasa):
    front, host = sites
    embedded = Embedded(context, host.allowed + "/host.html", host.port)
    embedded.say("hej", "Du skrev")
    old = embedded.token()
    with embedded.page.expect_response(lambda r: r.url.endswith("/api/conversation")):
        embedded.chat.get_by_role("button", name="Börja om").click()
    expect(embedded.chat.locator(".jc-status")).to_have_text("Samtalet har börjat om.")
    embedded.say("igen", "Du skrev: igen")
    assert embedded.deletions() == [("text/plain", old)]
    assert embedded.ids_sent()[-1] != old


def test_axe_on_the_host_page_with_the_chat_open(browser, sites, rasa):
    front, host = sites
    context = new_context(browser, bypass_csp=True)  # axe is added as a script tag
    try:
        embedded = Embedded(context, host.allowed + "/host.html", host.port)
        embedded.say("Jag vill sluta", "KAST")
        assert run_axe(embedded.page, embedded.frame()) == []
    finally:
        context.close()
