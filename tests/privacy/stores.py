"""Helpers for the in-process store tests: build our store like Rasa does, read what it stored raw."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_plugins.tracker_store import MaskingTrackerStore

ROOT = Path(__file__).resolve().parents[2]
STORE_TYPE = "bot.rasa_plugins.tracker_store.MaskingTrackerStore"
_DOMAIN: Optional[Domain] = None


def domain() -> Domain:
    global _DOMAIN
    if _DOMAIN is None:
        _DOMAIN = Domain.load(str(ROOT / "domain.yml"))
    return _DOMAIN


def run(coro):
    return asyncio.run(coro)


def store_config(
    kind: str, pg=None, redis=None, db: Optional[str] = None, redis_db: int = 2, **extra
) -> Dict[str, Any]:
    """The tracker_store section of an endpoints file for our store around `kind`."""
    config: Dict[str, Any] = {"type": STORE_TYPE, "inner": kind}
    if kind == "sql":
        config.update(dialect="postgresql", url="127.0.0.1", port=pg.port, username="postgres", password="", db=db)
    elif kind == "redis":
        config.update(
            url="127.0.0.1",
            port=redis.port,
            db=redis_db,
            key_prefix=extra.pop("key_prefix", None) or "t" + uuid.uuid4().hex[:8],
        )
    config.update(extra)
    return config


def write_endpoints(path: Path, config: Dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump({"tracker_store": config}, allow_unicode=True), encoding="utf-8")
    return path


def create(config: Dict[str, Any]) -> MaskingTrackerStore:
    """Our store, made the way Rasa makes it from an endpoints file (TrackerStore.create)."""
    store = TrackerStore.create(EndpointConfig.from_dict(dict(config)), domain())
    assert isinstance(store, MaskingTrackerStore), type(store)
    return store


def user(
    text: str,
    intent: str = "faq",
    entities: Optional[List[Dict]] = None,
    timestamp: Optional[float] = None,
    metadata: Optional[Dict] = None,
) -> UserUttered:
    entities = entities or []
    parse_data = {
        "intent": {"name": intent, "confidence": 0.99},
        "entities": entities,
        "text": text,
        "intent_ranking": [{"name": intent, "confidence": 0.99}],
    }
    return UserUttered(
        text,
        {"name": intent, "confidence": 0.99},
        entities,
        parse_data,
        timestamp=timestamp,
        input_channel="rest",
        message_id=uuid.uuid4().hex,
        metadata=metadata,
    )


def tracker(sender: str, events: List[Event]) -> DialogueStateTracker:
    t = DialogueStateTracker(sender, domain().slots)
    for event in events:
        t.update(event)
    return t


def conversation(
    sender: str, texts: List[str], at: Optional[float] = None, intent: str = "faq"
) -> DialogueStateTracker:
    """A tracker: session start, then per text a user message and a bot answer, all at time `at`."""
    at = time.time() if at is None else at
    events: List[Event] = [
        ActionExecuted("action_session_start", timestamp=at),
        SessionStarted(timestamp=at),
        ActionExecuted("action_listen", timestamp=at),
    ]
    for text in texts:
        events += [
            user(text, intent, timestamp=at),
            ActionExecuted("utter_faq", timestamp=at),
            BotUttered("Svar.", timestamp=at),
            ActionExecuted("action_listen", timestamp=at),
        ]
    return tracker(sender, events)


def raw_stored(store: MaskingTrackerStore, pg=None, db: Optional[str] = None, sender: Optional[str] = None) -> str:
    """Everything the inner store holds (for one sender or all), as one string."""
    inner = store.inner
    if store.kind == "in_memory":
        items = inner.store.items()
        return "\n".join(v for k, v in items if sender is None or k == sender)
    if store.kind == "sql":
        sql = "SELECT sender_id, data FROM events" + (" WHERE sender_id = %s" if sender else "")
        rows = pg.query(db, sql, *([sender] if sender else []))
        return "\n".join(f"{s}\t{d}" for s, d in rows)
    keys = [inner.key_prefix + sender] if sender else list(inner.red.scan_iter(match=inner.key_prefix + "*"))
    return "\n".join(v for v in (inner.red.get(k) for k in keys) if v)


def stored_senders(store: MaskingTrackerStore) -> List[str]:
    keys = run(store.keys())
    prefix = getattr(store.inner, "key_prefix", "")
    return sorted(k[len(prefix) :] if prefix and k.startswith(prefix) else k for k in keys)
