"""bot.rasa_plugins.tracker_store.MaskingTrackerStore in-process, around each inner store (in memory, PostgreSQL,
Redis – real servers): masking before saving, "radera mitt samtal", faults kept inside the turn."""

from __future__ import annotations

import logging
import uuid

import pytest
from rasa.core.tracker_store import (
    FailSafeTrackerStore,
    InMemoryTrackerStore,
    RedisTrackerStore,
    SQLTrackerStore,
    TrackerStore,
)
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet
from rasa.utils.endpoints import read_endpoint_config

from bot.privacy import event_masking
from bot.rasa_plugins import tracker_store as privacy_store
from bot.rasa_plugins.tracker_store import MaskingTrackerStore, mask_event, masked_tracker, turn

from .conftest import MESSAGES, find_personal
from .stores import ROOT, conversation, create, domain, raw_stored, run, store_config, tracker, user

KINDS = ["in_memory", "sql", "redis"]


@pytest.fixture(params=KINDS)
def kind(request):
    return request.param


@pytest.fixture
def made(kind, request):
    """(store, pg, db) for `kind`, each test with its own database / key prefix."""
    pg = db = None
    if kind == "sql":
        pg = request.getfixturevalue("pg_up")
        db = pg.create_database("t_" + uuid.uuid4().hex[:12])
        config = store_config("sql", pg=pg, db=db)
    elif kind == "redis":
        config = store_config("redis", redis=request.getfixturevalue("redis_up"))
    else:
        config = store_config("in_memory")
    store = create(config)
    yield store, pg, db
    if kind == "sql":
        store.inner.engine.dispose()


def personal_tracker(sender: str):
    """A conversation whose every place that can hold user text holds personal data."""
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    for text in MESSAGES:
        events += [
            user(
                text,
                "victim_help",
                entities=[
                    {"entity": "location", "value": "Storgatan 12", "start": 0, "end": 12, "text": "Storgatan 12"}
                ],
                metadata={"note": "från 192.168.10.23"},
            ),
            SlotSet("location", "Per Albin Hanssons väg 41"),
            ActionExecuted("action_support"),
            BotUttered(f"Du skrev: {text}"),
            ActionExecuted("action_listen"),
        ]
    return tracker(sender, events)


# ---------------------------------------------------------------------------------------------
def test_endpoints_yml_uses_the_wrapper_in_memory(monkeypatch):
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook")
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    store = TrackerStore.create(config, domain())
    assert isinstance(store, MaskingTrackerStore) and isinstance(store.inner, InMemoryTrackerStore)


def test_scaled_endpoints_use_the_wrapper_around_postgresql(monkeypatch, pg_up):
    db = pg_up.create_database("t_scaled")
    env = {
        "ACTION_ENDPOINT_URL": "http://127.0.0.1:5055/webhook",
        "DB_HOST": "127.0.0.1",
        "DB_PORT": str(pg_up.port),
        "DB_USER": "postgres",
        "DB_PASSWORD": "",
        "DB_NAME": db,
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "1",
        "REDIS_DB": "1",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    config = read_endpoint_config(str(ROOT / "endpoints.scaled.yml"), "tracker_store")
    store = TrackerStore.create(config, domain())
    assert isinstance(store, MaskingTrackerStore) and isinstance(store.inner, SQLTrackerStore)
    assert store.inner.engine.url.port == pg_up.port and store.inner.engine.url.database == db
    assert read_endpoint_config(str(ROOT / "endpoints.scaled.yml"), "lock_store").type == "redis"
    store.inner.engine.dispose()


def test_inner_stores_are_rasas(made, kind):
    store, _, _ = made
    expected = {"in_memory": InMemoryTrackerStore, "sql": SQLTrackerStore, "redis": RedisTrackerStore}[kind]
    assert type(store.inner) is expected
    assert store.domain is store.inner.domain


def test_unknown_inner_store_is_refused():
    with pytest.raises(ValueError, match="inner must be one of"):
        MaskingTrackerStore(domain(), inner="mongod")


# ---------------------------------------------------------------------------------------------
def test_nothing_personal_is_stored(made, kind):
    store, pg, db = made
    live = personal_tracker("s-" + uuid.uuid4().hex)
    run(store.save(live))
    raw = raw_stored(store, pg, db)
    assert raw, "nothing was stored"
    assert find_personal(raw) == []
    for placeholder in ("[personnummer]", "[telefon]", "[e-post]", "[adress]", "[ip]"):
        assert placeholder in raw
    # what Rasa gets back is the masked conversation, with intents and structure intact
    back = run(store.retrieve_full_tracker(live.sender_id))
    assert [e.type_name for e in back.events] == [e.type_name for e in live.events]
    assert back.latest_message.intent_name == "victim_help"
    assert back.get_slot("location") == "[adress]"
    assert all("[" in e.text for e in back.events if e.type_name == "user")
    # the tracker Rasa is working with is left as it was
    assert live.latest_message.text == MESSAGES[-1]


def test_saving_again_appends_only_masked_events(made, kind):
    store, pg, db = made
    sender = "s-" + uuid.uuid4().hex
    live = conversation(sender, ["hej"])
    run(store.save(live))
    live.update(user("ring 070-123 45 67"))
    live.update(ActionExecuted("action_listen"))
    run(store.save(live))
    back = run(store.retrieve_full_tracker(sender))
    assert [e.text for e in back.events if e.type_name == "user"] == ["hej", "ring [telefon]"]
    assert len(back.events) == len(live.events)
    assert find_personal(raw_stored(store, pg, db)) == []


def test_a_retrieved_conversation_masks_only_its_new_events(made, kind, monkeypatch):
    """Rasa's turn: read the conversation back, add the new message, save. Events read back were
    masked when stored and are not masked again; the new ones are."""
    store, pg, db = made
    sender = "s-" + uuid.uuid4().hex
    run(store.save(conversation(sender, ["mejla anna.svensson@example.se"])))
    live = run(store.get_or_create_tracker(sender))
    stored_count = len(live.events)
    live.update(user("ring 070-123 45 67"))
    live.update(BotUttered("Du skrev 070-123 45 67"))
    live.update(ActionExecuted("action_listen"))

    masked_texts = []
    original = event_masking.mask  # every string of an event is masked through bot.privacy.event_masking

    def counting(text):
        masked_texts.append(text)
        return original(text)

    monkeypatch.setattr(event_masking, "mask", counting)
    run(store.save(live))
    assert "mejla [e-post]" not in masked_texts, "an event read back from the store was masked again"
    assert "ring 070-123 45 67" in masked_texts and "Du skrev 070-123 45 67" in masked_texts
    back = run(store.retrieve_full_tracker(sender))
    assert len(back.events) == stored_count + 3
    assert [e.text for e in back.events if e.type_name == "user"] == ["mejla [e-post]", "ring [telefon]"]
    assert find_personal(raw_stored(store, pg, db)) == []


def test_mask_event_leaves_clean_events_alone():
    clean = user("vad säger sexköpslagen?")
    minimal = mask_event(clean)
    assert minimal.text == clean.text and minimal.parse_data["text"] == clean.text
    assert "intent_ranking" not in minimal.parse_data and "intent_ranking" in clean.parse_data
    assert mask_event(minimal) is minimal, "clean and already minimal: nothing to copy"
    assert mask_event(ActionExecuted("utter_faq")).action_name == "utter_faq"
    dirty = user("mejla anna.svensson@example.se", entities=[{"entity": "x", "value": "070-123 45 67"}])
    masked = mask_event(dirty)
    assert masked is not dirty and dirty.text == "mejla anna.svensson@example.se"
    assert masked.text == "mejla [e-post]" and masked.parse_data["text"] == "mejla [e-post]"
    assert masked.entities[0]["value"] == "[telefon]" and masked.parse_data["entities"][0]["value"] == "[telefon]"
    assert mask_event(masked).as_dict() == masked.as_dict()  # idempotent
    t = masked_tracker(conversation("x", ["hej"]))
    assert masked_tracker(t) is t, "nothing left to mask or leave out"


# ---------------------------------------------------------------------------------------------
def test_radera_mitt_samtal_deletes_the_whole_conversation(made, kind):
    store, pg, db = made
    sender, other = "s-" + uuid.uuid4().hex, "o-" + uuid.uuid4().hex
    run(store.save(conversation(other, ["vad är kast"])))
    live = conversation(sender, ["hej", "jag bor på Storgatan 12"])
    run(store.save(live))
    # a second session: the deletion must take every session
    live.update(ActionExecuted("action_session_start"))
    live.update(SessionStarted())
    live.update(ActionExecuted("action_listen"))
    live.update(user("hej igen"))
    run(store.save(live))
    assert run(store.retrieve_full_tracker(sender)) is not None

    live.update(user("radera mitt samtal", intent="delete_conversation"))
    run(store.save(live))  # Rasa saves after logging the message ...
    live.update(ActionExecuted("utter_conversation_deleted"))
    live.update(BotUttered("Ditt samtal är raderat."))
    live.update(ActionExecuted("action_listen"))
    run(store.save(live))  # ... and after answering: still nothing kept
    assert raw_stored(store, pg, db, sender) == ""
    assert run(store.retrieve(sender)) is None and run(store.retrieve_full_tracker(sender)) is None
    assert run(store.retrieve(other)) is not None  # others untouched

    # the next message starts a new conversation under the same id
    fresh = conversation(sender, ["hej"])
    run(store.save(fresh))
    assert [e.text for e in run(store.retrieve(sender)).events if e.type_name == "user"] == ["hej"]


def test_delete_method(made, kind):
    store, pg, db = made
    sender = "s-" + uuid.uuid4().hex
    run(store.save(conversation(sender, ["hej"])))
    run(store.delete(sender))
    assert raw_stored(store, pg, db, sender) == ""


# ---------------------------------------------------------------------------------------------
class BrokenStore(InMemoryTrackerStore):
    """An inner store whose errors quote personal data, as SQL errors quote their parameters."""

    async def retrieve(self, sender_id):
        raise RuntimeError("SELECT … [parameters: 070-123 45 67]")

    async def save(self, tracker):
        raise RuntimeError("INSERT … [parameters: anna.svensson@example.se]")


def test_store_faults_stay_in_the_turn_and_out_of_the_log(caplog):
    store = MaskingTrackerStore(domain(), inner="in_memory")
    store.inner = BrokenStore(domain())
    failsafe = FailSafeTrackerStore(store)  # as Rasa's Agent wraps every store
    caplog.set_level(logging.DEBUG)
    with turn() as state:
        assert run(failsafe.retrieve("s")) is None
        assert state.store_failed
        run(failsafe.save(conversation("s", ["ring 070-123 45 67"])))
    assert failsafe._fallback_tracker_store is None, "Rasa's in-memory fallback must not be used"
    log = caplog.text
    assert "RuntimeError" in log and "070-123" not in log and "anna.svensson" not in log


def test_no_save_after_a_failed_retrieve_in_the_same_turn():
    """A tracker rebuilt without its history must not be written over the stored one."""
    store = create(store_config("in_memory"))
    sender = "s"
    run(store.save(conversation(sender, ["hej", "vad är kast"])))
    with turn() as state:
        state.store_failed = True
        assert run(store.retrieve(sender)) is None
        run(store.save(conversation(sender, ["nytt"])))
    assert [e.text for e in run(store.retrieve(sender)).events if e.type_name == "user"] == ["hej", "vad är kast"]


def test_sql_outage_is_contained_and_recovers(pg_up):
    db = pg_up.create_database("t_outage")
    store = create(store_config("sql", pg=pg_up, db=db))
    sender = "s-outage"
    run(store.save(conversation(sender, ["hej"])))
    pg_up.stop()
    try:
        with turn() as state:
            assert run(store.retrieve(sender)) is None
            assert state.store_failed
    finally:
        pg_up.start()
    with turn() as state:
        back = run(store.retrieve(sender))
        assert not state.store_failed
    assert [e.text for e in back.events if e.type_name == "user"] == ["hej"]
    store.inner.engine.dispose()


def test_redis_outage_is_contained(redis_up):
    store = create(store_config("redis", redis=redis_up))
    store.inner.red.connection_pool.connection_kwargs["port"] = 1  # nothing listens there
    store.inner.red.connection_pool.reset()
    with turn() as state:
        assert run(store.retrieve("s")) is None
        run(store.save(conversation("s", ["hej"])))
        assert state.store_failed
    with pytest.raises(privacy_store.TrackerStoreUnavailable):
        run(store.delete("s"))


def test_redis_keys_expire_after_the_retention_time(redis_up):
    store = create(store_config("redis", redis=redis_up, retention_days=7))
    run(store.save(conversation("s", ["hej"])))
    ttl = store.inner.red.ttl(store.inner.key_prefix + "s")
    assert 7 * 86400 - 60 < ttl <= 7 * 86400


# ---- bounded history ------------------------------------------------------------------------
def _long_turns(store: MaskingTrackerStore, sender: str, turns: int) -> None:
    """`turns` exchanges, each read from and saved to the store as Rasa does."""
    for i in range(turns):
        live = run(store.get_or_create_tracker(sender))
        for event in list(conversation(sender, [f"fråga {i}"]).events)[-4:]:
            live.update(event)
        run(store.save(live))


def test_history_is_bounded_in_memory(monkeypatch):
    monkeypatch.delenv("MAX_EVENT_HISTORY", raising=False)
    store = MaskingTrackerStore(domain(), inner="in_memory")
    _long_turns(store, "lång", 60)  # 240 events
    kept = run(store.get_or_create_tracker("lång"))
    assert len(kept.events) == privacy_store.DEFAULT_MAX_EVENT_HISTORY
    assert kept.latest_message.text == "fråga 59", "the newest events are the ones kept"
    assert "fråga 0\"" not in raw_stored(store), "dropped events are gone from the store too"


def test_history_bound_from_environment_and_off(monkeypatch):
    monkeypatch.setenv("MAX_EVENT_HISTORY", "40")
    store = MaskingTrackerStore(domain(), inner="in_memory")
    _long_turns(store, "s", 20)
    assert len(run(store.get_or_create_tracker("s")).events) == 40
    monkeypatch.setenv("MAX_EVENT_HISTORY", "0")
    unbounded = MaskingTrackerStore(domain(), inner="in_memory")
    _long_turns(unbounded, "s", 20)
    assert len(run(unbounded.get_or_create_tracker("s")).events) == 20 * 4 + 1  # + the first action_listen
    with pytest.raises(ValueError):
        MaskingTrackerStore(domain(), inner="in_memory", max_event_history=3)


def test_sql_history_is_not_cut(tmp_path):
    """SQL appends the events it lacks by position: a cut tracker would lose new events."""
    store = MaskingTrackerStore(domain(), inner="sql", dialect="sqlite", db=str(tmp_path / "t.db"))
    assert store.history_bound is None
    _long_turns(store, "s", 30)
    events = run(store.get_or_create_tracker("s")).events
    assert len(events) == 30 * 4 + 1 and events[-4].text == "fråga 29"
