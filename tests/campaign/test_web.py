"""The web front's campaign side over HTTP: openers in widget.js, POST /api/count, the counters of
answered messages, the fallback for unknown and expired ids, and counters that survive a restart."""

from __future__ import annotations

import json
import re

from helpers import counters, wait_for
from web_helpers import WebFront, new_id


def widget_config(front) -> dict:
    js = front.request("GET", "/widget.js").body.decode()
    return json.loads(re.search(r"var CONFIG = (\{.*?\});\n", js).group(1))


def count(front, body, content_type="text/plain", **headers):
    return front.request("POST", "/api/count", json.dumps(body).encode(), {"Content-Type": content_type, **headers})


def test_widget_carries_only_running_campaigns(counting_web):
    config = widget_config(counting_web)
    assert set(config["campaigns"]) == {"test-sok"}  # not the expired one, not the one to come
    opener = config["campaigns"]["test-sok"]
    assert opener["text"].startswith("Hej. Att köpa sex är ett brott")
    assert [b["title"] for b in opener["buttons"]] == ["Jag vill sluta", "Vad säger lagen?", "Var finns KAST?"]
    assert opener["buttons"][0]["payload"] == "/want_to_stop_buying"
    assert "contactHosts" in config


def test_messages_count_under_the_campaign_and_rasa_never_sees_it(counting_web, counting_rasa):
    before = counters(counting_web.counts_url, "test-sok")
    conversation = new_id()
    for text in ("jag vill sluta", "malmö"):
        reply = counting_web.post_json({"conversation_id": conversation, "message": text, "campaign": "test-sok"})
        assert reply.status == 200 and reply.json()["messages"]
        assert "X-Chat-Counts".lower() not in reply.headers  # the browser never sees Rasa's counters
    received = [r for r in counting_rasa.received if r["sender"] == conversation]
    assert [r["body"] for r in received] == [
        {"sender": conversation, "message": "jag vill sluta"},
        {"sender": conversation, "message": "malmö"},
    ]
    expected = {"wrote": 1, "asked": 1, "referral": 1, "topic:want_to_stop_buying": 1, "topic:inform_location": 1}

    def added():
        now = counters(counting_web.counts_url, "test-sok")
        delta = {k: now.get(k, 0) - before.get(k, 0) for k in now}
        return delta if all(delta.get(k) == v for k, v in expected.items()) else None

    assert wait_for(added), counters(counting_web.counts_url, "test-sok")


def test_unknown_and_expired_ids_count_without_a_campaign(counting_web):
    before = counters(counting_web.counts_url)
    for campaign in ("test-gammal", "test-snart", "finns-inte", "<script>", "x" * 40):
        assert count(counting_web, {"event": "opened", "campaign": campaign}).status == 204
    assert count(counting_web, {"event": "opened"}).status == 204
    assert wait_for(
        lambda: counters(counting_web.counts_url).get(("ingen", "opened"), 0) - before.get(("ingen", "opened"), 0) == 6
    )
    labels = {campaign for campaign, _ in counters(counting_web.counts_url)}
    assert labels <= {"ingen", "test-sok"}  # nothing the client made up is ever stored


def test_count_endpoint_rejects_what_it_does_not_know(counting_web):
    assert count(counting_web, {"event": "clicked-ad"}).status == 400
    assert count(counting_web, {"event": "opened"}, content_type="application/xml").status == 400
    assert count(counting_web, {"event": "opened", "pad": "x" * 600}).status == 400
    assert count(counting_web, {"event": "opened"}, Origin="https://evil.example").status == 403
    assert count(counting_web, {"event": "exit", "campaign": "test-sok"}, content_type="application/json").status == 204


def test_message_with_a_bad_campaign_field_is_refused(counting_web):
    assert counting_web.post_json({"conversation_id": new_id(), "message": "hej", "campaign": 5}).status == 400
    assert counting_web.post_json({"conversation_id": new_id(), "message": "hej", "campaign": "x" * 41}).status == 400


def test_counters_survive_a_restart(counting_rasa, campaign_file, tmp_path):
    url = f"sqlite:///{tmp_path}/counts.db"
    env = dict(WEB_CAMPAIGNS=str(campaign_file), WEB_COUNTS_DB=url, WEB_COUNTS_FLUSH_SECONDS=60)
    front = WebFront(counting_rasa.url, **env).start()
    try:
        for _ in range(3):
            assert count(front, {"event": "opened", "campaign": "test-sok"}).status == 204
    finally:
        front.stop()  # the counters are flushed when the server stops, well before the 60 s
    front = WebFront(counting_rasa.url, **env).start()
    try:
        count(front, {"event": "opened", "campaign": "test-sok"})
    finally:
        front.stop()
    assert counters(url, "test-sok") == {"opened": 4}
