"""Campaign entry points in real Chromium: the opener of a running campaign, the default opener
otherwise (no id, an expired id, an unknown id), the embed tag's data-campaign, and the contact
counter – a click on a phone number in an answer sends one request with the event and the
campaign and nothing else, and the counter goes up. On another site the chat is an iframe of the
chat's own origin (widget.js passes data-campaign on as ?kampanj=)."""

from __future__ import annotations

import json

import pytest
from helpers import counters, wait_for
from playwright.sync_api import expect
from web_helpers import WebFront

WELCOME = "Hej! Jag är en automatisk chatt."
OPENER = "Hej. Att köpa sex är ett brott i Sverige. Här kan du fråga anonymt."


@pytest.fixture(scope="module")
def counting_web(counting_rasa, campaign_file, tmp_path_factory):
    """As conftest's, plus: the counting fake's /host.html may frame the chat, and every page opened
    here may get a new conversation id."""
    db = tmp_path_factory.mktemp("counts-browser") / "counts.db"
    front = WebFront(
        counting_rasa.url,
        WEB_RATE_CLIENT=100000,
        WEB_RATE_CONVERSATION=100000,
        WEB_NEW_IDS_PER_MINUTE=100000,
        WEB_NEW_IDS_PER_MINUTE_48=100000,
        WEB_CAMPAIGNS=str(campaign_file),
        WEB_COUNTS_DB=f"sqlite:///{db}",
        WEB_COUNTS_FLUSH_SECONDS=0.2,
        WEB_FRAME_ANCESTORS=counting_rasa.url,  # its /host.html embeds the chat
    ).start()
    front.counts_url = f"sqlite:///{db}"
    before, counting_rasa.web_url = counting_rasa.web_url, front.url
    yield front
    counting_rasa.web_url = before
    front.stop()


@pytest.fixture
def context(chromium):
    context = chromium.new_context(locale="sv-SE", viewport={"width": 1000, "height": 800})
    context.route("https://www.google.se/**", lambda route: route.fulfill(status=200, body="neutral"))
    yield context
    context.close()


def open_chat(context, url):
    page = context.new_page()
    counts = []
    page.on("request", lambda r: counts.append(r) if r.url.endswith("/api/count") else None)
    page.goto(url)
    expect(page.locator("#jamchat-input")).to_be_visible()
    return page, counts


def test_campaign_opener_with_its_quick_replies(context, counting_web, counting_rasa):
    page, _ = open_chat(context, counting_web.url + "/?kampanj=test-sok")
    first = page.locator(".jc-bot").first
    expect(first).to_contain_text(OPENER)
    expect(first.locator(".jc-choice")).to_have_text(["Jag vill sluta", "Vad säger lagen?", "Var finns KAST?"])
    with page.expect_request(lambda r: r.url.endswith("/api/message")) as sent:
        first.locator(".jc-choice", has_text="Vad säger lagen?").click()
    body = json.loads(sent.value.post_data)
    assert body["message"] == "/faq/law" and body["campaign"] == "test-sok"
    expect(page.locator(".jc-bot")).to_have_count(2)
    expect(page.locator(".jc-choice")).to_have_count(0)  # quick replies go once something is sent
    assert counting_rasa.received[-1]["body"] == {"sender": body["conversation_id"], "message": "/faq/law"}
    page.reload()  # the opener stays the first message of this conversation
    expect(page.locator(".jc-bot").first).to_contain_text(OPENER)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?kampanj=test-gammal",
        "?kampanj=test-snart",
        "?kampanj=finns-inte",
        "?kampanj=constructor",
        "?kampanj=%3Cb%3E",
    ],
)
def test_default_opener_without_a_running_campaign(context, counting_web, query):
    page, counts = open_chat(context, counting_web.url + "/" + query)
    first = page.locator(".jc-bot").first
    expect(first).to_contain_text(WELCOME)
    expect(page.locator(".jc-choice")).to_have_count(0)
    wait_for(lambda: counts, 5)
    assert [json.loads(r.post_data) for r in counts] == [{"event": "opened"}]  # counted without a campaign


def test_phone_click_counts_a_contact_and_sends_no_identifier(context, counting_web):
    before = counters(counting_web.counts_url, "test-sok").get("contact", 0)
    page, counts = open_chat(context, counting_web.url + "/?kampanj=test-sok")
    page.locator("#jamchat-input").fill("malmö")
    page.locator("#jamchat-input").press("Enter")
    phone = page.locator(".jc-bot a[href^='tel:']", has_text="020-35 40 40")
    expect(phone).to_be_visible()
    conversation = page.evaluate("JSON.parse(sessionStorage.getItem('jamchat.v2')).id")
    # keep the test page where it is (a tel: link would hand over to a phone app)
    page.evaluate("document.addEventListener('click', e => { if (e.target.closest('a')) e.preventDefault(); }, true)")
    with page.expect_request(lambda r: r.url.endswith("/api/count") and "contact" in (r.post_data or "")) as sent:
        phone.click()
    request = sent.value
    assert request.url == counting_web.url + "/api/count"  # no query string
    assert json.loads(request.post_data) == {"event": "contact", "campaign": "test-sok"}
    headers = request.all_headers()
    assert "cookie" not in headers and "referer" not in headers
    assert conversation not in request.post_data and conversation not in json.dumps(headers)
    assert wait_for(lambda: counters(counting_web.counts_url, "test-sok").get("contact", 0) == before + 1)
    phone.click()  # once per conversation: the funnel counts conversations
    page.wait_for_timeout(500)
    assert [json.loads(r.post_data)["event"] for r in counts] == ["opened", "contact"]


def test_embed_tag_takes_data_campaign(context, counting_web, counting_rasa):
    before = counters(counting_web.counts_url, "test-sok").get("opened", 0)
    page = context.new_page()
    page.goto(counting_rasa.url + "/host.html?campaign=test-sok")  # another origin, embedding the widget
    page.locator(".jc-launcher").click()
    assert page.locator("#jamchat-frame").get_attribute("src") == counting_web.url + "/chat?embed=1&kampanj=test-sok"
    chat = page.frame_locator("#jamchat-frame")
    expect(chat.locator(".jc-bot").first).to_contain_text(OPENER)
    with page.expect_request(lambda r: r.url.endswith("/api/message")) as sent:
        chat.locator(".jc-choice", has_text="Vad säger lagen?").click()
    assert json.loads(sent.value.post_data)["campaign"] == "test-sok"
    assert wait_for(lambda: counters(counting_web.counts_url, "test-sok").get("opened", 0) == before + 1)
