"""bot.rasa_plugins.retention.purge: old conversations go, new ones stay (PostgreSQL, Redis, in memory)."""

from __future__ import annotations

import time
import uuid

import pytest

from bot.rasa_plugins import retention

from .stores import conversation, create, run, store_config, stored_senders, write_endpoints

DAY = 86400.0


def fill(store, now: float):
    """Old conversations (last event 31–400 days ago) and new ones (one begun long ago, active now)."""
    old = {f"old-{i}-{uuid.uuid4().hex[:6]}": now - days * DAY for i, days in enumerate((31, 45, 400))}
    new = {f"new-{i}-{uuid.uuid4().hex[:6]}": now - days * DAY for i, days in enumerate((0, 29))}
    for sender, at in {**old, **new}.items():
        run(store.inner.save(conversation(sender, ["hej", "vad är kast"], at=at)))
    # begun 60 days ago, written to today: its last event is new, so it stays whole
    revived = "revived-" + uuid.uuid4().hex[:6]
    t = conversation(revived, ["hej"], at=now - 60 * DAY)
    for event in conversation(revived, ["är du kvar?"], at=now).events:
        t.update(event)
    run(store.inner.save(t))
    return set(old), set(new) | {revived}


@pytest.fixture
def sql_store(pg_up):
    db = pg_up.create_database("t_purge_" + uuid.uuid4().hex[:8])
    config = store_config("sql", pg=pg_up, db=db)
    store = create(config)
    yield store, config
    store.inner.engine.dispose()


def test_purge_sql(sql_store, tmp_path, pg_up):
    store, config = sql_store
    old, new = fill(store, time.time())
    endpoints = write_endpoints(tmp_path / "endpoints.yml", config)
    assert retention.purge(str(endpoints), 30) == len(old)
    assert set(stored_senders(store)) == new
    revived = next(s for s in new if s.startswith("revived"))
    rows = pg_up.query(config["db"], "SELECT count(*) FROM events WHERE sender_id = %s", revived)[0][0]
    assert rows == len(run(store.retrieve_full_tracker(revived)).events) and rows > 6
    assert retention.purge(str(endpoints), 30) == 0


def test_purge_sql_with_rasas_own_store_type(sql_store, tmp_path):
    store, config = sql_store
    old, new = fill(store, time.time())
    plain = {k: v for k, v in config.items() if k not in ("inner",)}
    plain["type"] = "sql"
    assert retention.purge(str(write_endpoints(tmp_path / "e.yml", plain)), 30) == len(old)
    assert set(stored_senders(store)) == new


def test_purge_sql_on_an_empty_database(pg_up, tmp_path):
    db = pg_up.create_database("t_purge_empty")
    endpoints = write_endpoints(tmp_path / "e.yml", store_config("sql", pg=pg_up, db=db))
    assert retention.purge(str(endpoints), 30) == 0


def test_purge_redis(redis_up, tmp_path):
    config = store_config("redis", redis=redis_up)
    store = create(config)
    old, new = fill(store, time.time())
    endpoints = write_endpoints(tmp_path / "endpoints.yml", config)
    assert retention.purge(str(endpoints), 30) == len(old)
    assert set(stored_senders(store)) == new
    assert retention.purge(str(endpoints), 30) == 0


def test_days_default_from_retention_days(monkeypatch, redis_up, tmp_path):
    config = store_config("redis", redis=redis_up)
    store = create(config)
    now = time.time()
    for sender, days in (("a", 12), ("b", 8), ("c", 40)):
        run(store.inner.save(conversation(sender, ["hej"], at=now - days * DAY)))
    endpoints = str(write_endpoints(tmp_path / "endpoints.yml", config))
    monkeypatch.delenv("RETENTION_DAYS", raising=False)
    assert retention.default_days() == 30
    assert retention.purge(endpoints) == 1  # "c"
    monkeypatch.setenv("RETENTION_DAYS", "10")
    assert retention.purge(endpoints) == 1  # "a"
    assert stored_senders(store) == ["b"]
    monkeypatch.setenv("RETENTION_DAYS", "0")
    with pytest.raises(ValueError):
        retention.purge(endpoints)


def test_in_memory_store_drops_old_conversations_itself(tmp_path):
    store = create(store_config("in_memory", retention_days=30))
    now = time.time()
    run(store.inner.save(conversation("old", ["hej"], at=now - 31 * DAY)))
    run(store.inner.save(conversation("new", ["hej"], at=now - 29 * DAY)))
    store.sweeps.last = time.monotonic() - 2 * 3600  # the hourly sweep is due
    run(store.save(conversation("now", ["hej"])))
    assert stored_senders(store) == ["new", "now"]
    # from outside the Rasa process there is nothing to purge
    endpoints = write_endpoints(tmp_path / "e.yml", store_config("in_memory"))
    assert retention.purge(str(endpoints), 30) == 0


def test_purge_fails_visibly(tmp_path):
    with pytest.raises(FileNotFoundError):
        retention.purge(str(tmp_path / "missing.yml"), 30)
    unreachable = {
        "type": "bot.rasa_plugins.tracker_store.MaskingTrackerStore",
        "inner": "redis",
        "url": "127.0.0.1",
        "port": 1,
    }
    with pytest.raises(Exception):  # an error, not endless retries
        retention.purge(str(write_endpoints(tmp_path / "e.yml", unreachable)), 30)
    with pytest.raises(ValueError):
        retention.purge(str(write_endpoints(tmp_path / "m.yml", {"type": "mongod", "url": "x"})), 30)
