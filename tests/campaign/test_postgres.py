"""Counters add up across replicas on PostgreSQL: two web fronts (each with its own counters in
memory) relay to two Rasa replicas and add their counts to one PostgreSQL database – the tracker
store's, found from the same DB_* variables as endpoints.scaled.yml. Uses the PostgreSQL on
127.0.0.1:5432 (bench/servers.py), in a database made for this test and dropped afterwards."""

from __future__ import annotations

import concurrent.futures
import json

import pytest
from counting_fake import CountingFakeRasa
from helpers import counters
from web_helpers import WebFront, new_id

from bench.servers import ScaledStores
from bot.domain import campaign_counts


@pytest.fixture(scope="module")
def database():
    with ScaledStores(prefix="jamchat_counts") as stores:
        yield stores


def test_counters_add_up_across_two_replicas(database, campaign_file):
    rasas = [CountingFakeRasa().start(), CountingFakeRasa().start()]
    rasas[1].seen, rasas[1].asked = rasas[0].seen, rasas[0].asked  # replicas share their conversations
    env = dict(
        database.env(),
        RASA_URLS=",".join(r.url for r in rasas),
        WEB_CAMPAIGNS=str(campaign_file),
        WEB_COUNTS_FLUSH_SECONDS=0.1,
        WEB_RATE_CLIENT=100000,
        WEB_RATE_CONVERSATION=100000,
    )
    fronts = [WebFront(rasas[0].url, **env).start(), WebFront(rasas[0].url, **env).start()]
    try:

        def visitor(n: int) -> None:
            front = fronts[n % 2]
            campaign = "test-sok" if n % 3 else "test-gammal"  # a third from an expired link
            front.request(
                "POST",
                "/api/count",
                json.dumps({"event": "opened", "campaign": campaign}).encode(),
                {"Content-Type": "text/plain"},
            )
            conversation = new_id()
            for text in ("jag vill sluta", "malmö"):  # the second message may land on the other front
                front = fronts[(n + len(text)) % 2]
                reply = front.post_json(
                    {"conversation_id": conversation, "message": text, "campaign": campaign}, timeout=30
                )
                assert reply.status == 200 and reply.json()["messages"]
            if n % 2:
                front.request(
                    "POST",
                    "/api/count",
                    json.dumps({"event": "contact", "campaign": campaign}).encode(),
                    {"Content-Type": "text/plain"},
                )

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(visitor, range(60)))
    finally:
        for front in fronts:
            front.stop()  # each flushes what it still holds
        for rasa in rasas:
            rasa.close()
    url = campaign_counts.counts_url("", database.env())
    assert url.startswith("postgresql://") and database.db_name in url
    totals = counters(url)
    for campaign, visitors in (("test-sok", 40), ("ingen", 20)):  # the expired campaign counts as none
        for metric in ("opened", "wrote", "asked", "referral", "topic:want_to_stop_buying", "topic:inform_location"):
            assert totals[(campaign, metric)] == visitors, (campaign, metric, totals)
    assert totals[("test-sok", "contact")] + totals[("ingen", "contact")] == 30
    rows = campaign_counts.read_counts(url)
    assert {week for _, week, _, _ in rows} == {campaign_counts.iso_week()}
