"""Privacy against an attacker: typed deletion caught by a fixed pattern, deletion that leaves nothing
(rows, lock keys, report lines) on the live PostgreSQL + Redis stack, ids that cannot be reused, the
in-memory store's bound, batched parses that cannot cross conversations, and the report's ≥ 5 rule."""

from __future__ import annotations

import asyncio
import json
import random
from types import SimpleNamespace

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.deletion import is_deletion_request
from bot.rasa_plugins.channel import DELETED_HEADER, incoming_text
from bot.rasa_plugins.tracker_store import MaskingTrackerStore, turn
from bot.speedups import batched_parse as fast_parse
from bot.tools.content import conversations
from bot.web import relay

from .conftest import new_sender
from .stores import domain

DELETIONS = [
    "radera mitt samtal",
    "Radera mitt samtal!",
    "ta bort allt jag skrivit",
    "delete my conversation",
    "Delete my chat.",
    "glöm det jag skrev",
    "kan du radera det här samtalet?",
    "jag vill radera chatten",
    "ta bort mina meddelanden tack",
    "forget what I wrote please",
    "radera",
]
NOT_DELETIONS = [
    "hur tar jag bort mina meddelanden i telefonen?",
    "jag har raderat hans nummer",
    "vad händer om jag raderar samtalet",
    "ta bort",
    "kan polisen se det jag skrev?",
    "radera mitt samtal och ring polisen",
    "",
    "radera mitt samtal " * 20,
]


@pytest.mark.parametrize("text", DELETIONS)
def test_typed_deletion_becomes_the_payload_before_the_nlu(text):
    assert is_deletion_request(text)
    assert incoming_text(text) == "/delete_conversation"


@pytest.mark.parametrize("text", NOT_DELETIONS)
def test_ordinary_messages_are_not_deletions(text):
    assert not is_deletion_request(text)
    assert incoming_text(text) != "/delete_conversation"


def test_the_front_and_the_channel_agree_on_the_header():
    assert relay.DELETED_HEADER == DELETED_HEADER


# ---------------------------------------------------------------- embedded mode: bounded memory
def _tracker(sender: str, text: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        sender, [ActionExecuted("action_listen"), UserUttered(text, {"name": "greet", "confidence": 1.0})]
    )


def test_in_memory_store_is_bounded_and_drops_the_quietest():
    store = MaskingTrackerStore(domain(), inner="in_memory", max_conversations=50)

    async def flood():
        await store.save(_tracker("ongoing", "hej"))
        for n in range(500):
            await store.save(_tracker(f"flood-{n}", "hej"))
            if n % 40 == 0:  # the person already writing goes on meanwhile
                await store.save(_tracker("ongoing", "och sen?"))
        return await store.retrieve("ongoing")

    ongoing = asyncio.run(flood())
    assert len(store.inner.store) == 50
    assert ongoing is not None and "flood-0" not in store.inner.store and "flood-499" in store.inner.store


def test_in_memory_bound_from_the_environment(monkeypatch):
    monkeypatch.setenv("MAX_CONVERSATIONS_IN_MEMORY", "7")
    assert MaskingTrackerStore(domain(), inner="in_memory").max_conversations == 7
    with pytest.raises(ValueError):
        MaskingTrackerStore(domain(), inner="in_memory", max_conversations=0)


def test_deletion_marks_the_turn():
    store = MaskingTrackerStore(domain(), inner="in_memory")

    async def run():
        await store.save(_tracker("s", "hej"))
        with turn() as state:
            tracker = _tracker("s", "/delete_conversation")
            tracker.update(UserUttered("/delete_conversation", {"name": "delete_conversation", "confidence": 1.0}))
            await store.save(tracker)
        return state

    assert asyncio.run(run()).deleted and "s" not in store.inner.store


# ---------------------------------------------------------------- batched parsing
def test_shuffled_batch_results_are_detected_and_parsed_one_by_one():
    items = [(UserMessage(f"meddelande {n} från person {n}", sender_id=f"s{n}"), None) for n in range(8)]
    one_by_one = []

    def shuffled(batch):
        parses = [{"text": m.text, "intent": {"name": f"i{n}"}} for n, (m, _) in enumerate(batch)]
        random.Random(1).shuffle(parses)
        return parses

    def alone(item):
        one_by_one.append(item[0].sender_id)
        return {"text": item[0].text, "intent": {"name": "alone"}}

    batcher = fast_parse.ParseBatcher(shuffled, alone, belongs=fast_parse.parse_belongs)

    async def everyone():
        return await asyncio.gather(*(batcher.parse(item) for item in items))

    parses = asyncio.run(everyone())
    assert [p["text"] for p in parses] == [m.text for m, _ in items]
    assert batcher.mismatches == 1 and sorted(one_by_one) == sorted(f"s{n}" for n in range(8))
    # results in order are used as they are; too few results are not
    in_order = fast_parse.ParseBatcher(
        lambda b: [{"text": m.text} for m, _ in b], alone, belongs=fast_parse.parse_belongs
    )
    short = fast_parse.ParseBatcher(
        lambda b: [{"text": m.text} for m, _ in b][:-1], alone, belongs=fast_parse.parse_belongs
    )
    one_by_one.clear()
    asyncio.run(_all(in_order, items))
    assert in_order.mismatches == 0 and one_by_one == []
    asyncio.run(_all(short, items))
    assert short.mismatches == 1 and len(one_by_one) == 8


async def _all(batcher, items):
    return await asyncio.wait_for(asyncio.gather(*(batcher.parse(i) for i in items)), 5)


def test_parse_belongs_reads_user_messages_and_nlu_messages():
    assert fast_parse.parse_belongs((SimpleNamespace(text="a"), None), {"text": "a"})
    assert not fast_parse.parse_belongs((SimpleNamespace(text="a"), None), {"text": "b"})
    assert not fast_parse.parse_belongs((SimpleNamespace(text="a"), None), None)


# ---------------------------------------------------------------- the staff report
def _fallback(text: str, ts: float = 1_700_000_000):
    return [{"event": "user", "text": text, "timestamp": ts, "parse_data": {"intent": {"name": "nlu_fallback"}}}]


def test_report_shows_a_not_understood_text_only_from_five_conversations():
    common = [_fallback("vad kostar det") for _ in range(5)]
    rare = [_fallback("jag gjorde något hemskt igår") for _ in range(4)]
    repeated_by_one = [_fallback("samma sak") + _fallback("samma sak") * 6]
    stats = conversations.summarise(common + rare + repeated_by_one, "test")
    assert dict(stats.shown_not_understood) == {"vad kostar det": 5}
    assert stats.not_understood["samma sak"] == 7  # counted, but one conversation: never shown


# ---------------------------------------------------------------- live: PostgreSQL + Redis
def _lock_keys(live, token):
    client = live.redis.client(1)
    return [k for k in client.keys("*") if token in k]


def _nothing_left(live, token):
    assert live.stored(token) == []
    assert _lock_keys(live, token) == []
    rows = live.stored()
    stats = conversations.summarise(
        [[json.loads(d) for s, _, _, d in rows if s == sender] for sender in {r[0] for r in rows}], "live"
    )
    assert token not in json.dumps(stats.__dict__, default=str)


@pytest.mark.parametrize("how", ["api", "typed", "typed-english"])
def test_deletion_leaves_no_rows_no_lock_keys_no_report_lines(live_up, how):
    web = live_up.web
    token = web.new_conversation()
    for message in ("hej", "jag bor på Storgatan 12 i Göteborg", "vad säger sexköpslagen?"):
        status, body = web.say(message, token)
        assert status == 200 and "fallback" not in body, body
    assert live_up.stored(token)

    if how == "api":
        status, body = web.delete(token)
        assert (status, body) == (200, {"deleted": True})
    else:
        status, body = web.say("radera mitt samtal" if how == "typed" else "Delete my chat, please", token)
        assert status == 200 and body.get("conversation_deleted") is True, body
    _nothing_left(live_up, token)

    # the id is dead: continuing or deleting again gives nothing and stores nothing
    status, body = web.say("vad skrev jag förut?", token)
    assert status == 401 and body["error"] == "conversation_expired"
    assert web.delete(token) == (200, {"deleted": False})
    _nothing_left(live_up, token)


def test_another_persons_conversation_cannot_be_continued_or_deleted(live_up):
    web = live_up.web
    victim = web.new_conversation()
    assert web.say("jag bor på Storgatan 12 i Göteborg", victim)[0] == 200
    before = live_up.stored(victim)
    random_part, expiry, mac = victim.split(".")
    for forged in (
        new_sender(),
        f"{random_part}.{int(expiry) + 3600}.{mac}",
        f"{random_part}.{expiry}.{'A' * 43}",
        random_part,
    ):
        status, body = web.say("vad skrev jag?", forged)
        assert status == 401, (forged, body)
        assert web.delete(forged) == (200, {"deleted": False})
        assert live_up.stored(forged) == []
    assert live_up.stored(victim) == before  # untouched
