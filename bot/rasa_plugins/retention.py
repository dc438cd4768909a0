"""Retention: delete stored conversations whose last event is older than a number of days.

`purge(endpoints_path, days)` reads the tracker store of an endpoints file (ours,
`bot.rasa_plugins.tracker_store.MaskingTrackerStore` with `inner: sql | redis | in_memory`, or Rasa's own `sql`
and `redis`), deletes every conversation whose newest event is older than `days` days and returns
how many conversations it deleted. `days` defaults to the environment variable RETENTION_DAYS,
else 30. Run it daily (`make purge`, `python -m bot purge`).

- SQL: every row of a sender in `events` whose newest `timestamp` is before the cut-off.
- Redis: every tracker key whose last event is before the cut-off (a key written meanwhile is left:
  the delete is guarded by WATCH). Our store also gives each key a time to live, so Redis forgets
  by itself too.
- In memory: lives in the Rasa process only, so it cannot be reached from here; the store drops old
  conversations itself (and all are gone when Rasa restarts). `purge` returns 0.

It connects with a short timeout and raises if the store cannot be reached, so that a scheduled run
fails visibly. The rules themselves (days, cut-off, a tracker's last event) are plain Python in
`bot.privacy.retention_rules`; this module applies them to Rasa's stores.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from bot.privacy.retention_rules import DEFAULT_DAYS, cutoff, default_days, drop_stale, last_timestamp

logger = logging.getLogger(__name__)

STORE_TYPE = "bot.rasa_plugins.tracker_store.MaskingTrackerStore"
_OUR_KEYS = ("inner", "retention_days")
_CHUNK = 500


# ---------------------------------------------------------------------------------------------
def purge_sql(engine: Any, before: float) -> int:
    """Delete from `events` every conversation whose newest event is before `before`."""
    import sqlalchemy as sa
    from rasa.core.tracker_store import SQLTrackerStore

    events = SQLTrackerStore.SQLEvent.__table__
    if not sa.inspect(engine).has_table(events.name):
        return 0
    with engine.begin() as conn:
        stale = (
            sa.select(events.c.sender_id).group_by(events.c.sender_id).having(sa.func.max(events.c.timestamp) < before)
        )
        senders = [row[0] for row in conn.execute(stale)]
        for start in range(0, len(senders), _CHUNK):
            conn.execute(events.delete().where(events.c.sender_id.in_(senders[start : start + _CHUNK])))
    return len(senders)


def purge_redis(red: Any, key_prefix: str, before: float) -> int:
    """Delete every tracker under `key_prefix` whose last event is before `before`."""
    import redis

    removed = 0
    for key in red.scan_iter(match=key_prefix + "*", count=_CHUNK):
        with red.pipeline() as pipe:
            try:
                pipe.watch(key)
                stamp = last_timestamp(pipe.get(key))
                if stamp is None or stamp >= before:
                    pipe.unwatch()
                    continue
                pipe.multi()
                pipe.delete(key)
                removed += int(pipe.execute()[0] or 0)
            except redis.WatchError:
                continue  # written meanwhile: the conversation is active again
    return removed


def purge_in_memory(store: Any, before: float) -> int:
    """Drop from an InMemoryTrackerStore every conversation whose last event is before `before`."""
    return drop_stale(store.store, before)


# ---------------------------------------------------------------------------------------------
def _store_config(endpoints_path: str) -> Tuple[str, Optional[str], Dict[str, Any]]:
    """(kind, url, the store's own keys) of the tracker store in an endpoints file."""
    from rasa.utils.endpoints import read_endpoint_config

    if not Path(endpoints_path).is_file():
        raise FileNotFoundError(f"endpoints file not found: {endpoints_path}")
    config = read_endpoint_config(endpoints_path, "tracker_store")
    if config is None or config.type is None:
        return "in_memory", None, {}
    kind = config.type.strip()
    kwargs = dict(config.kwargs)
    if kind == STORE_TYPE:
        kind = str(kwargs.get("inner") or "in_memory").strip().lower().replace("-", "_")
    for key in _OUR_KEYS:
        kwargs.pop(key, None)
    kind = {"memory": "in_memory", "inmemory": "in_memory"}.get(kind.lower(), kind.lower())
    return kind, config.url, kwargs


def _sql_engine(url: Optional[str], kwargs: Dict[str, Any]) -> Any:
    import sqlalchemy as sa
    from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs, validate_port

    db_url = SQLTrackerStore.get_db_url(
        kwargs.get("dialect", "sqlite"),
        url,
        validate_port(kwargs.get("port")),
        kwargs.get("db", "rasa.db"),
        kwargs.get("username"),
        kwargs.get("password"),
        None,
        kwargs.get("query"),
    )
    engine_kwargs = create_engine_kwargs(db_url)
    if str(db_url).startswith("postgresql"):
        engine_kwargs.setdefault("connect_args", {})["connect_timeout"] = 10
    return sa.create_engine(db_url, **engine_kwargs)


def _redis_client(url: Optional[str], kwargs: Dict[str, Any]) -> Tuple[Any, str]:
    from rasa.core.tracker_store import RedisTrackerStore

    store = RedisTrackerStore(domain=None, host=url or "localhost", **kwargs)  # connects lazily
    store.red.connection_pool.connection_kwargs.update(socket_timeout=10, socket_connect_timeout=10)
    return store.red, store.key_prefix


def purge(endpoints_path: str = "endpoints.yml", days: Optional[int] = None) -> int:
    """Delete conversations whose last event is older than `days` (default: RETENTION_DAYS or 30)
    from the tracker store configured in `endpoints_path`; return how many were deleted."""
    days = default_days() if days is None else int(days)
    if days < 1:
        raise ValueError("days must be at least 1")
    kind, url, kwargs = _store_config(endpoints_path)
    before = cutoff(days)
    if kind == "sql":
        engine = _sql_engine(url, kwargs)
        try:
            removed = purge_sql(engine, before)
        finally:
            engine.dispose()
    elif kind == "redis":
        client, prefix = _redis_client(url, kwargs)
        try:
            removed = purge_redis(client, prefix, before)
        finally:
            client.close()
    elif kind == "in_memory":
        logger.info("The tracker store is in memory: Rasa drops old conversations itself; nothing to purge")
        return 0
    else:
        raise ValueError(f"purge supports sql, redis and in_memory tracker stores, not {kind!r}")
    logger.info("Retention: %d conversations older than %d days deleted (%s)", removed, days, kind)
    return removed


__all__: List[str] = ["DEFAULT_DAYS", "cutoff", "default_days", "purge", "purge_in_memory", "purge_redis", "purge_sql"]
