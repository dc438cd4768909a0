"""The chat in a real browser: playwright drives Debian's Chromium (/usr/bin/chromium) against the
web front and the fake Rasa. Covers asking and answering, buttons, links and escaping, the quick
exit (button and Esc), keyboard-only use, the messages when Rasa or the server is unreachable,
reload, "Börja om" and "Radera samtalet", a 360 px phone, the chat embedded on another site (an
iframe of the chat's own origin: tests/web/test_embed_attack.py tries to break into it), privacy (no
cookies, no third-party requests) and axe-core's WCAG 2.1 AA check.

Nothing is skipped: without Chromium or axe-core the tests fail and say which setup step to run.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from web_helpers import ROOT, WebFront

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
EXIT = "https://www.google.se/"
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22}\.[0-9]{1,12}\.[A-Za-z0-9_-]{43}$")  # the server's token (bot.web.ids)
STORE_KEY = "jamchat.v2"


@pytest.fixture(scope="module")
def web(fake_rasa):
    """The web front of these tests: the fake Rasa's /host.html (another origin) may frame the chat,
    and the many pages opened here may each get a conversation id."""
    front = WebFront(
        fake_rasa.url,
        WEB_RATE_CLIENT=100000,
        WEB_RATE_CONVERSATION=100000,
        WEB_NEW_IDS_PER_MINUTE=100000,
        WEB_NEW_IDS_PER_MINUTE_48=100000,
        WEB_RASA_QUEUE_TIMEOUT=1,
        WEB_RASA_TIMEOUT=2,
        WEB_FRAME_ANCESTORS=fake_rasa.url,
    ).start()
    before, fake_rasa.web_url = fake_rasa.web_url, front.url
    yield front
    fake_rasa.web_url = before
    front.stop()


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module (only one playwright may run at a time; test_embed_attack.py and
    tests/campaign start their own)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is missing ({CHROMIUM}). Run the setup first: "
            "`apt-get update && apt-get install -y chromium` (make system-deps).",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_context(browser, **options):
    """A fresh browser profile (own sessionStorage); the quick exit's target is answered locally,
    so no request ever leaves this machine."""
    options.setdefault("viewport", {"width": 1000, "height": 800})
    context = browser.new_context(locale="sv-SE", **options)
    context.route(
        "https://www.google.se/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<title>Google</title><p>neutral</p>"),
    )
    return context


class Chat:
    """One browser tab with the chat open, and what it requested and complained about."""

    def __init__(self, page, url, root=None):
        self.page, self.url = page, url
        self.root = root or page  # the chat's document: the page, or the frame on another site
        self.requests, self.csp_errors = [], []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", self._console)

    def _console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_errors.append(message.text)

    def open(self):
        self.page.goto(self.url)
        expect(self.page.locator("#jamchat-input")).to_be_visible()
        return self

    @property
    def input(self):
        return self.root.locator("#jamchat-input")

    def bots(self):
        return self.root.locator(".jc-bot")

    def users(self):
        return self.root.locator(".jc-user")

    def send(self, text):
        self.input.fill(text)
        self.input.press("Enter")

    def expect_answer(self, text):
        answer = self.bots().filter(has_text=text).last
        expect(answer).to_be_visible()
        return answer

    def conversation_id(self):
        """The server's id for this conversation, once the chat has it."""
        handle = self.page.wait_for_function(
            "k => { const s = JSON.parse(sessionStorage.getItem(k) || 'null'); return s && s.id; }", arg=STORE_KEY
        )
        return handle.json_value()

    def focused(self):
        return self.page.evaluate("() => { const e = document.activeElement; return e.id || e.textContent.trim(); }")


@pytest.fixture
def context(browser):
    context = new_context(browser)
    yield context
    context.close()


@pytest.fixture
def chat(context, web, rasa):
    chat = Chat(context.new_page(), web.url + "/").open()
    yield chat
    assert chat.csp_errors == [], "the page broke its own Content-Security-Policy"


def run_axe(page, *frames):
    """axe-core's WCAG 2.1 A/AA violations of the page (and of the frames given, which get axe too,
    so that the page's run reaches into them)."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE}). Run `npm ci` in the project first.", pytrace=False)
    for frame in frames:
        if not frame.evaluate("typeof axe !== 'undefined'"):
            frame.add_script_tag(path=str(AXE))
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }""",
        AXE_TAGS,
    )


# ---------------------------------------------------------------- conversation


def test_ask_a_question_and_see_the_answer(chat, rasa):
    expect(chat.page.locator(".jc-notice")).to_contain_text("personnummer")
    expect(chat.page.locator(".jc-notice")).to_contain_text("automatisk")
    rasa.delay = 1.0
    chat.send("Jag vill sluta köpa sex")
    expect(chat.users().last).to_contain_text("Jag vill sluta köpa sex")
    expect(chat.page.locator(".jc-status")).to_contain_text("skriver")  # typing indicator
    answer = chat.expect_answer("KAST")
    expect(chat.page.locator(".jc-status")).to_have_text("")
    expect(answer.get_by_role("button", name="Ja, gärna")).to_be_visible()
    expect(answer.get_by_role("button", name="Nej tack")).to_be_visible()
    assert chat.focused() == "jamchat-input"
    assert rasa.received[0]["sender"] == chat.conversation_id()
    assert ID_PATTERN.match(chat.conversation_id())


def test_click_a_button(chat, rasa):
    chat.send("Jag vill sluta")
    chat.expect_answer("KAST").get_by_role("button", name="Ja, gärna").click()
    expect(chat.users().last).to_have_text(re.compile("Ja, gärna$"))
    chat.expect_answer("Var bor du?")
    assert rasa.messages()[-1] == "/affirm"
    expect(chat.page.locator(".jc-choice")).to_have_count(0)  # used buttons are gone
    assert chat.focused() == "jamchat-input"


def test_links_are_clickable_and_text_is_never_html(chat, rasa):
    chat.send("eko: <img src=x onerror=window.pwned=1> <b>fet</b> <script>window.pwned=2</script>")
    answer = chat.expect_answer("<img src=x")
    assert answer.locator("img, b, script").count() == 0
    expect(chat.users().last).to_contain_text("<b>fet</b>")
    assert chat.page.evaluate("window.pwned") is None

    chat.send("länk")
    answer = chat.expect_answer("Läs mer")
    link = answer.locator("a", has_text="https://www.example.org/sida")
    assert link.get_attribute("href") == "https://www.example.org/sida"  # the full stop is not part of it
    assert link.get_attribute("target") == "_blank"
    assert set(link.get_attribute("rel").split()) >= {"noopener", "noreferrer"}
    assert answer.locator("a", has_text="en annan sida").get_attribute("href") == "https://www.example.org/annan"

    chat.send("eko: [klicka](javascript:alert(1)) javascript:alert(2)")
    answer = chat.expect_answer("klicka")
    assert answer.locator("a").count() == 0


def test_markdown_source_link_shows_the_short_text(chat, rasa):
    chat.send("eko: Källa: [Jämställdhetsmyndigheten](https://www.jamstalldhetsmyndigheten.se/sida)")
    answer = chat.expect_answer("Källa:")
    link = answer.locator("a", has_text="Jämställdhetsmyndigheten")
    assert link.get_attribute("href") == "https://www.jamstalldhetsmyndigheten.se/sida"
    assert link.get_attribute("target") == "_blank"
    assert set(link.get_attribute("rel").split()) >= {"noopener", "noreferrer"}
    shown = answer.locator(".jc-text").evaluate(
        "p => Array.from(p.childNodes).filter(n => !(n.classList && n.classList.contains('jc-sr')))"
        ".map(n => n.nodeType === 1 ? n.childNodes[0].textContent : n.textContent).join('')"
    )
    assert shown == "Källa: Jämställdhetsmyndigheten"

    chat.send("eko: [<b>fet</b>](https://www.example.org/) och [osäker](http://www.example.org/x) och [lokal](/sida)")
    answer = chat.expect_answer("osäker")
    assert answer.locator("a").count() == 1 and answer.locator("b").count() == 0
    expect(answer.locator("a")).to_contain_text("<b>fet</b>")
    expect(answer).to_contain_text("[osäker](http://www.example.org/x) och [lokal](/sida)")


def test_privacy_notice_says_what_is_true(chat):
    notice = chat.page.locator(".jc-notice")
    expect(notice).not_to_contain_text("Du är anonym")
    expect(notice).to_contain_text("Skriv inte ditt namn")
    expect(notice).to_contain_text("sparas i 30 dagar efter ditt senaste meddelande")
    expect(notice).to_contain_text("personnummer, telefonnummer, e-post och gatuadresser dolda")
    expect(notice).to_contain_text("Knappen ”Radera samtalet” raderar det ur chattens lagring direkt.")
    expect(notice).to_contain_text("rensar samtalet i den här fliken och ber chatten radera det")


def test_phone_numbers_can_be_called(chat, rasa):
    chat.send("/deny")
    answer = chat.expect_answer("Kvinnofridslinjen")
    assert answer.locator("a", has_text="020-50 50 50").get_attribute("href") == "tel:020505050"


def test_no_cookies_and_no_third_party_requests(chat, context, web, rasa):
    chat.send("Jag vill sluta")
    chat.expect_answer("KAST").get_by_role("button", name="Nej tack").click()
    chat.expect_answer("Kvinnofridslinjen")
    assert context.cookies() == []
    assert chat.page.evaluate("document.cookie") == ""
    assert chat.requests and all(url.startswith(web.url + "/") for url in chat.requests), chat.requests


def test_each_tab_has_its_own_random_conversation(chat, context, web):
    other = Chat(context.new_page(), web.url + "/").open()
    assert ID_PATTERN.match(other.conversation_id())
    assert other.conversation_id() != chat.conversation_id()


# ---------------------------------------------------------------- quick exit


def test_quick_exit_button(chat, web, rasa):
    chat.send("Jag vill sluta")
    chat.expect_answer("KAST")
    chat.page.get_by_role("button", name="Lämna sidan snabbt").click()
    chat.page.wait_for_url(EXIT)
    chat.page.go_back()
    assert not chat.page.url.startswith(web.url)  # the chat was replaced in the history, not left behind
    chat.open()
    expect(chat.users()).to_have_count(0)  # nothing of the conversation is left in this tab
    expect(chat.page.locator(".jc-notice")).to_be_visible()


def test_quick_exit_with_escape(chat, rasa):
    chat.send("hej")
    chat.expect_answer("Du skrev")
    chat.input.fill("något halvskrivet")
    chat.page.keyboard.press("Escape")
    chat.page.wait_for_url(EXIT)
    chat.open()
    expect(chat.users()).to_have_count(0)
    expect(chat.input).to_have_value("")


def test_quick_exit_goes_to_the_configured_site(browser, fake_rasa):
    from web_helpers import WebFront

    front = WebFront(fake_rasa.url, WEB_EXIT_URL=fake_rasa.url + "/neutral").start()
    context = new_context(browser)
    try:
        page = Chat(context.new_page(), front.url + "/").open().page
        page.keyboard.press("Escape")
        page.wait_for_url(fake_rasa.url + "/neutral")
    finally:
        context.close()
        front.stop()


# ---------------------------------------------------------------- keyboard only


def test_keyboard_only(chat, rasa):
    keyboard = chat.page.keyboard
    keyboard.press("Tab")
    assert chat.focused() == "Lämna sidan snabbt"  # the quick exit comes first
    outline = chat.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # visible focus
    keyboard.press("Tab")
    assert chat.focused() == "Gå direkt till chatten"
    keyboard.press("Enter")
    assert chat.focused() == "jamchat-input"
    keyboard.press("Shift+Tab")
    keyboard.press("Shift+Tab")
    assert chat.focused() == "Jag förstår"
    keyboard.press("Enter")
    expect(chat.page.locator(".jc-notice")).to_have_count(0)
    assert chat.focused() == "jamchat-input"

    keyboard.type("Jag vill sluta")
    keyboard.press("Enter")
    chat.expect_answer("KAST")
    assert chat.focused() == "jamchat-input"
    keyboard.press("Shift+Tab")
    assert chat.focused() == "Nej tack"
    keyboard.press("Shift+Tab")
    assert chat.focused() == "Ja, gärna"
    assert chat.page.evaluate("getComputedStyle(document.activeElement).outlineWidth") == "3px"
    keyboard.press("Enter")
    chat.expect_answer("Var bor du?")
    assert chat.focused() == "jamchat-input"
    keyboard.type("Malmö")
    keyboard.press("Tab")
    assert chat.focused() == "Skicka"
    keyboard.press("Enter")
    chat.expect_answer("Evonhuset")
    assert rasa.messages() == ["Jag vill sluta", "/affirm", "Malmö"]


def test_screen_reader_structure(chat):
    log = chat.page.locator(".jc-log")
    assert log.get_attribute("role") == "log" and log.get_attribute("aria-live") == "polite"
    assert chat.page.locator(".jc-status").get_attribute("role") == "status"
    expect(chat.page.get_by_label("Skriv ditt meddelande")).to_be_visible()
    chat.send("hej")
    expect(chat.users().last.locator(".jc-sr")).to_have_text("Du: ")
    expect(chat.bots().last.locator(".jc-sr")).to_have_text("Chatten: ")


# ---------------------------------------------------------------- faults


def test_rasa_down_shows_the_safety_message(chat, rasa):
    rasa.stop()
    chat.send("hej")
    alert = chat.page.locator(".jc-alert").last
    expect(alert).to_contain_text("112")
    expect(alert).to_contain_text("Kvinnofridslinjen 020-50 50 50")


def test_server_unreachable_shows_the_safety_message(chat, web):
    chat.page.route(web.url + "/api/message", lambda route: route.abort())
    chat.send("hej")
    alert = chat.page.locator(".jc-alert").last
    expect(alert).to_contain_text("Det går inte att nå chatten")
    expect(alert).to_contain_text("112")
    expect(alert).to_contain_text("020-50 50 50")
    assert alert.locator("a[href='tel:112']").count() == 1


def test_rate_limit_message_is_shown(browser, fake_rasa, rasa):
    from web_helpers import WebFront

    front = WebFront(fake_rasa.url, WEB_RATE_CONVERSATION=1).start()
    context = new_context(browser)
    try:
        chat = Chat(context.new_page(), front.url + "/").open()
        chat.send("hej")
        chat.expect_answer("Du skrev")
        chat.send("hej igen")
        expect(chat.expect_answer("Vänta lite")).to_contain_text("112")
        chat.send("jag vill inte leva längre")  # a crisis is never just rate-limited away
        answer = chat.expect_answer("Självmordslinjen 90101")
        expect(answer).to_contain_text("ring 112")
        assert answer.locator("a[href='tel:90101']").count() == 1
        assert answer.locator("a[href='tel:116111']").count() == 1
        assert rasa.messages() == ["hej"]
    finally:
        context.close()
        front.stop()


# ---------------------------------------------------------------- reload and restart


def test_reload_keeps_the_conversation(chat, rasa):
    chat.send("hej")
    chat.expect_answer("Du skrev: hej")
    chat.send("Jag vill sluta")
    chat.expect_answer("KAST")
    conversation = chat.conversation_id()
    chat.page.reload()
    expect(chat.users()).to_have_count(2)
    chat.expect_answer("KAST").get_by_role("button", name="Ja, gärna").click()
    chat.expect_answer("Var bor du?")
    assert chat.conversation_id() == conversation
    assert {r["sender"] for r in rasa.received} == {conversation}


def deletions(chat):
    """The /api/delete requests the page sent: (how it was sent, the conversation id in it)."""
    import json

    return [
        (r.headers.get("content-type", "").split(";")[0], json.loads(r.post_data)["conversation_id"])
        for r in chat.sent
        if r.url.endswith("/api/delete")
    ]


def test_restart(chat, rasa):
    chat.sent = []
    chat.page.on("request", lambda request: chat.sent.append(request))
    chat.send("hej")
    chat.expect_answer("Du skrev")
    old = chat.conversation_id()
    chat.page.get_by_role("button", name="Börja om").click()
    expect(chat.users()).to_have_count(0)
    expect(chat.bots()).to_have_count(1)  # the welcome
    expect(chat.page.locator(".jc-status")).to_have_text("Samtalet har börjat om.")
    assert chat.focused() == "jamchat-input"
    chat.page.wait_for_function("k => JSON.parse(sessionStorage.getItem(k)).id !== null", arg=STORE_KEY)
    new = chat.conversation_id()
    assert new != old and ID_PATTERN.match(new)
    assert deletions(chat) == [("text/plain", old)]  # a beacon: the old conversation is deleted too
    chat.send("igen")
    chat.expect_answer("Du skrev: igen")
    assert {"sender": old, "message": "/delete_conversation"} in [r["body"] for r in rasa.received]
    assert rasa.received[-1]["sender"] == new


def test_erase_the_conversation(chat, rasa):
    chat.sent = []
    chat.page.on("request", lambda request: chat.sent.append(request))
    chat.send("hej")
    chat.expect_answer("Du skrev")
    old = chat.conversation_id()
    with chat.page.expect_response(lambda r: r.url.endswith("/api/conversation")):
        chat.page.get_by_role("button", name="Radera samtalet").click()
    status = chat.page.locator(".jc-status")
    expect(status).to_contain_text("Samtalet är raderat ur chattens lagring och rensat i den här fliken.")
    expect(status).to_contain_text(
        "säkerhetskopia av databasen finns samtalet kvar i den tills kopian gallras, inom 30 dagar"
    )
    expect(chat.users()).to_have_count(0)
    assert deletions(chat) == [("application/json", old)]
    assert {"sender": old, "message": "/delete_conversation"} in [r["body"] for r in rasa.received]
    assert "hej" not in (chat.page.evaluate("k => sessionStorage.getItem(k)", STORE_KEY) or "")
    new = chat.conversation_id()
    assert new != old and ID_PATTERN.match(new)
    chat.send("igen")
    chat.expect_answer("Du skrev: igen")
    assert rasa.received[-1]["sender"] == new


# ---------------------------------------------------------------- phone, embedding


def test_phone_360px(browser, web, rasa):
    context = new_context(
        browser, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    try:
        chat = Chat(context.new_page(), web.url + "/").open()
        page = chat.page
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        exit_box = page.locator(".jc-exit").bounding_box()
        assert exit_box["x"] >= 0 and exit_box["x"] + exit_box["width"] <= 360 and exit_box["y"] >= 0
        name_right = page.evaluate(
            "() => { const r = document.createRange();"
            " r.selectNodeContents(document.querySelector('.site-name')); return r.getBoundingClientRect().right; }"
        )
        assert name_right <= exit_box["x"]  # the exit button hides nothing
        page.get_by_role("button", name="Jag förstår").tap()
        chat.input.fill("Jag vill sluta")
        page.get_by_role("button", name="Skicka").tap()
        answer = chat.expect_answer("KAST")
        answer.get_by_role("button", name="Ja, gärna").tap()
        chat.expect_answer("Var bor du?")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.mouse.wheel(0, 2000)
        exit_box = page.locator(".jc-exit").bounding_box()
        assert 0 <= exit_box["y"] < 740  # still on screen after scrolling
        for box in [page.locator(s).bounding_box() for s in (".jc-send", "#jamchat-input", ".jc-bot >> nth=-1")]:
            assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    finally:
        context.close()


def frame_focus(page):
    """(the host page's focused element, the focused element inside the chat's frame)."""
    host = page.evaluate("() => { const e = document.activeElement; return e.id || e.textContent.trim(); }")
    frame = (
        page.frame_locator("#jamchat-frame")
        .locator(":root")
        .evaluate("() => { const e = document.activeElement; return e.id || e.textContent.trim(); }")
    )
    return host, frame


def test_embedded_widget_on_another_site(browser, web, rasa):
    context = new_context(browser)
    try:
        page = context.new_page()
        chat = Chat(page, rasa.url + "/host.html", root=page.frame_locator("#jamchat-frame"))
        page.goto(chat.url)
        launcher = page.get_by_role("button", name="Chatta anonymt")
        expect(launcher).to_have_attribute("aria-expanded", "false")
        assert page.locator("iframe").count() == 0  # nothing of the chat is loaded before it is opened
        page.keyboard.press("Escape")  # Esc does nothing while the chat is closed
        assert page.url == chat.url
        launcher.click()
        expect(launcher).to_have_attribute("aria-expanded", "true")
        frame = page.locator("#jamchat-frame")
        expect(frame).to_be_visible()
        assert frame.get_attribute("title") and launcher.get_attribute("aria-controls") == "jamchat-frame"
        assert frame.get_attribute("src").startswith(web.url + "/chat?embed=1")
        expect(chat.input).to_be_focused()
        assert frame_focus(page) == ("jamchat-frame", "jamchat-input")
        chat.send("Jag vill sluta")
        chat.expect_answer("KAST")  # the frame calls its own origin
        chat.root.get_by_role("button", name="Stäng chatten").click()
        expect(frame).to_be_hidden()
        expect(launcher).to_have_attribute("aria-expanded", "false")
        expect(launcher).to_be_focused()
        assert all(url.startswith((web.url + "/", rasa.url + "/")) for url in chat.requests)
        launcher.click()
        expect(chat.users()).to_have_count(1)  # the same conversation
        expect(chat.input).to_be_focused()
        page.locator("h1").click()  # focus on the host page: Esc there leaves too
        page.keyboard.press("Escape")
        page.wait_for_url(EXIT)
    finally:
        context.close()


# ---------------------------------------------------------------- accessibility (axe-core)


def converse(chat):
    """A conversation that shows every kind of element: buttons, links, a phone link, an alert."""
    chat.send("Jag vill sluta")
    chat.expect_answer("KAST")
    chat.send("länk")
    chat.expect_answer("Läs mer")
    chat.send("/deny")
    chat.expect_answer("Kvinnofridslinjen")
    chat.page.route("**/api/message", lambda route: route.abort())
    chat.send("hej")
    expect(chat.root.locator(".jc-alert")).to_have_count(1)
    chat.page.unroute("**/api/message")
    chat.send("Jag vill sluta")
    expect(chat.root.locator(".jc-choice")).to_have_count(2)


@pytest.mark.parametrize("width", [1000, 360])
def test_axe_finds_no_wcag_21_aa_violations(browser, web, rasa, width):
    context = new_context(browser, viewport={"width": width, "height": 800}, bypass_csp=True)
    try:
        chat = Chat(context.new_page(), web.url + "/").open()
        assert run_axe(chat.page) == []  # first open, with the privacy notice
        converse(chat)
        chat.page.keyboard.press("Tab")  # a focused element as well
        assert run_axe(chat.page) == []
    finally:
        context.close()


def test_axe_on_the_embedded_widget(browser, web, rasa):
    """The host page with the chat open in its frame: axe checks both documents together."""
    context = new_context(browser, bypass_csp=True)
    try:
        page = context.new_page()
        chat = Chat(page, rasa.url + "/host.html", root=page.frame_locator("#jamchat-frame"))
        page.goto(chat.url)
        assert run_axe(page) == []
        page.get_by_role("button", name="Chatta anonymt").click()
        expect(chat.input).to_be_visible()
        frame = next(f for f in page.frames if f.url.startswith(web.url + "/chat"))
        assert run_axe(page, frame) == []  # first open, with the privacy notice
        converse(chat)
        assert run_axe(page, frame) == []
    finally:
        context.close()
