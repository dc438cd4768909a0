"""The counters themselves: what one message adds (`turn_metrics`, and the tracker store that feeds
it), the tally and its upsert into SQLite, the database URL, and masking of small numbers."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import sqlite3

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from bot.domain import campaign_counts as cc
from bot.rasa_plugins.tracker_store import MaskingTrackerStore, turn

S = cc.Step


# ---------------------------------------------------------------- turn_metrics
def test_first_message_about_stopping():
    steps = [
        S(True, "action", "action_listen"),
        S(True, "user", "want_to_stop_buying"),
        S(True, "action", "action_referral"),
        S(True, "slot", "awaiting_location", True),
    ]
    assert cc.turn_metrics(steps) == ["wrote", "asked", "topic:want_to_stop_buying"]


def test_referral_is_counted_once_per_conversation_and_only_when_given():
    first = [
        S(False, "user", "want_to_stop_buying"),
        S(False, "action", "action_referral"),
        S(False, "slot", "awaiting_location", True),
    ]
    answer = [
        S(True, "user", "inform_location"),
        S(True, "action", "action_referral"),
        S(True, "slot", "awaiting_location", False),
    ]
    assert cc.turn_metrics(first + answer) == ["referral", "topic:inform_location"]
    again = [
        S(True, "user", "find_kast"),
        S(True, "action", "action_referral"),
        S(True, "slot", "awaiting_location", False),
    ]
    old = [s._replace(new=False) for s in first + answer]
    assert cc.turn_metrics(old + again) == ["topic:find_kast"]  # neither a new referral nor a new "asked"


def test_law_questions_safety_and_commands():
    assert cc.turn_metrics([S(False, "user", "greet"), S(True, "user", "faq/law_penalty")]) == [
        "asked",
        "topic:faq/law_penalty",
    ]
    assert cc.turn_metrics([S(True, "user", "crisis"), S(True, "action", "utter_crisis")]) == [
        "wrote",
        "safety",
        "topic:crisis",
    ]
    assert cc.turn_metrics([S(True, "user", "restart")]) == []
    assert cc.turn_metrics([S(False, "user", "restart"), S(True, "user", "greet")]) == ["wrote", "topic:greet"]


def test_header_keeps_only_known_metrics():
    assert cc.parse_header("wrote, topic:faq/law,opened,evil:<script>,topic:x y") == ("wrote", "topic:faq/law")
    assert cc.parse_header(None) == ()
    assert len(cc.parse_header(",".join(["topic:greet"] * 50))) == cc.MAX_PER_TURN


# ---------------------------------------------------------------- the tracker store reports the turn
def _user(intent: str, text: str = "x", retrieval: str = None) -> UserUttered:
    parse = {"intent": {"name": intent, "confidence": 1.0}, "entities": [], "text": text}
    if retrieval:  # as Rasa's processor marks a retrieval intent (rasa/core/processor.py)
        parse["intent"]["full_retrieval_intent_name"] = retrieval
    return UserUttered(text, parse["intent"], [], parse_data=parse)


def test_tracker_store_puts_the_turns_counters_on_the_turn():
    from rasa.shared.core.domain import Domain

    domain = Domain.from_yaml("slots:\n  awaiting_location:\n    type: bool\n    mappings: [{type: custom}]\n")
    store = MaskingTrackerStore(domain=domain, inner="in_memory")

    async def go():
        tracker = await store.get_or_create_tracker("a" * 32)
        for event in [
            _user("want_to_stop_buying", "jag vill sluta, ring 070-123 45 67"),
            ActionExecuted("action_referral"),
            BotUttered("Var bor du?"),
            SlotSet("awaiting_location", True),
        ]:
            tracker.update(event)
        with turn() as first:
            await store.save(tracker)
        tracker = await store.get_or_create_tracker("a" * 32)
        for event in [
            _user("inform_location", "umeå"),
            ActionExecuted("action_referral"),
            BotUttered("I Umeå finns KAST Umeå."),
            SlotSet("awaiting_location", False),
        ]:
            tracker.update(event)
        with turn() as second:
            await store.save(tracker)
        tracker = await store.get_or_create_tracker("a" * 32)
        tracker.update(_user("faq", "vad säger lagen", retrieval="faq/law"))
        with turn() as third:
            await store.save(tracker)
        return first.counts, second.counts, third.counts

    # in a thread of its own: the browser tests' playwright keeps an event loop in the main thread
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        first, second, third = pool.submit(asyncio.run, go()).result(60)
    assert first == ("wrote", "asked", "topic:want_to_stop_buying")
    assert second == ("referral", "topic:inform_location")
    assert third == ("topic:faq/law",)  # the full retrieval intent; "asked" was already counted
    assert not any("070" in m or "umeå" in m for m in first + second + third)  # never text


# ---------------------------------------------------------------- tally and store
def test_tally_adds_up_in_sqlite_across_flushes_and_processes(tmp_path):
    url = f"sqlite:///{tmp_path}/c.db"
    one, two = cc.Tally(cc.CountStore(url)), cc.Tally(cc.CountStore(url))
    for _ in range(3):
        one.add("sok", ["opened", "wrote"], week="2026-W49")
    two.add("sok", ["opened"], week="2026-W49")
    two.add("ingen", ["opened"], week="2026-W50")
    assert one.flush() == 2 and two.flush() == 2
    one.add("sok", ["opened"], week="2026-W49")
    one.flush()
    rows = cc.read_counts(url)
    assert rows == [
        ("ingen", "2026-W50", "opened", 1),
        ("sok", "2026-W49", "opened", 5),
        ("sok", "2026-W49", "wrote", 3),
    ]
    # only the four columns: nothing that could identify a person or a moment finer than the week
    columns = [r[1] for r in sqlite3.connect(f"{tmp_path}/c.db").execute(f"PRAGMA table_info({cc.TABLE})")]
    assert columns == ["campaign", "week", "metric", "n"]


def test_tally_keeps_counts_when_the_database_fails(tmp_path):
    class Broken:
        def add(self, counts):
            raise RuntimeError("down")

    tally = cc.Tally(Broken())
    tally.add("sok", ["opened"], week="2026-W49")
    assert tally.flush() == 0
    assert tally.pending() == {("sok", "2026-W49", "opened"): 1}
    tally.store = cc.CountStore(f"sqlite:///{tmp_path}/c.db")
    assert tally.flush() == 1 and tally.pending() == {}


def test_week_and_database_url():
    assert cc.iso_week(dt.date(2026, 12, 2)) == "2026-W49"
    assert cc.iso_week(dt.date(2027, 1, 1)) == "2026-W53"
    assert cc.counts_url("off") is None
    assert cc.counts_url("sqlite:////x.db") == "sqlite:////x.db"
    assert cc.counts_url("", {}).endswith("var/campaign_counts.db")
    env = {"DB_HOST": "postgres", "DB_PORT": "5432", "DB_USER": "jamchat", "DB_PASSWORD": "p@ss", "DB_NAME": "jamchat"}
    assert cc.counts_url("", env) == "postgresql://jamchat:p%40ss@postgres:5432/jamchat"
    assert "p%40ss" not in cc.describe_url(cc.counts_url("", env))


@pytest.mark.parametrize("n, shown", [(0, "< 5"), (1, "< 5"), (4, "< 5"), (5, "5"), (1234, "1\u00a0234")])
def test_mask(n, shown):
    assert cc.mask(n) == shown
