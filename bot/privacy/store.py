"""A tracker store that masks personal data before anything is stored, and forgets on request.

Configured by module path in endpoints.yml / endpoints.scaled.yml; `inner` names the store that
really keeps the conversations, and the remaining keys are that store's own:

    tracker_store:
      type: bot.privacy.store.MaskingTrackerStore
      inner: sql            # in_memory (default) | sql | redis
      dialect: postgresql
      url: "${DB_HOST}"
      ...

Rasa builds it with `MaskingTrackerStore(host=<url>, domain=..., event_broker=..., **other keys)`
(rasa/core/tracker_store.py, `_load_from_module_name_in_endpoint_config`) and wraps it in its
`FailSafeTrackerStore`.

What it does
- Masks, with `bot.privacy.mask`, every string that can hold what a person wrote before the inner
  store sees the tracker: the user's text, the text and entity values in the parse data, message
  metadata, slot values and bot texts (a bot text can quote the user). The channel
  (`bot.privacy.channel`) already masks at the door; this is the second lock, for every other way
  into Rasa. The live tracker Rasa works with is not changed: the inner store gets a masked copy.
- "radera mitt samtal": when the latest user intent is `delete_conversation`, the whole
  conversation (all sessions) is deleted from the inner store instead of saved – SQL: the
  sender's rows in `events`; Redis: the key; in memory: the entry. The turn is marked `deleted`,
  and the channel tells the web front (header `X-Chat-Deleted`), which then refuses the id. Rasa's
  lock store removes the conversation's lock key itself when the turn ends. Typed requests are
  turned into the intent by a fixed pattern in the channel (`bot.privacy.deletion`).
- Embedded mode (`inner: in_memory`): at most `max_conversations` conversations are held (default
  5 000, environment variable MAX_CONVERSATIONS_IN_MEMORY); when a new one would exceed it, the one
  that has been quiet longest is dropped, so a flood of new conversations cannot exhaust memory
  and only ever pushes out the least recently active ones (each holds at most `max_event_history`
  events, some 10–100 kB).
- Retention: with `inner: redis` every key gets a time to live of `retention_days` (unless
  `record_exp` is set); with `inner: in_memory` conversations whose last event is older than
  `retention_days` are dropped at most once an hour. SQL is purged by `bot.privacy.retention.purge`
  (`make purge`). `retention_days` defaults to the environment variable RETENTION_DAYS, else 30.
- History (in memory and Redis, which store a conversation as one record): a conversation keeps its latest `max_event_history` events (default 100, about 20
  exchanges; environment variable MAX_EVENT_HISTORY). Rasa reads, replays and writes a
  conversation's whole history on every message, so without a bound each answer got slower the
  longer someone wrote (one 200-message conversation: p50 170 ms, against 30 ms for short ones).
  Older events are dropped from the store too: less kept about the person, and a slot set
  long ago (the place) is forgotten, so the assistant asks again.
- Faults: the inner store's errors never reach Rasa. They are logged by type only (an SQL error's
  message quotes the statement and its parameters), the current turn is marked as failed
  (`turn_failed`), `retrieve` returns None and `save` stores nothing for the rest of that turn.
  `bot.privacy.channel.MaskingRestInput` then answers HTTP 503, and the web front shows its
  safety message (112, Kvinnofridslinjen). Nothing falls through to Rasa's in-memory fallback
  store, and every new turn tries the inner store again, so service comes back by itself.
"""
from __future__ import annotations

import contextlib
import contextvars
import copy
import itertools
import logging
import os
import time
import traceback
from collections import deque
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Optional, Text, Tuple

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import (
    InMemoryTrackerStore,
    RedisTrackerStore,
    SQLTrackerStore,
    TrackerStore,
    create_engine_kwargs,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from bot import campaign_counts
from bot.privacy import retention
from bot.privacy.masking import mask

logger = logging.getLogger(__name__)

DELETE_INTENT = "delete_conversation"
INNER_KINDS = ("in_memory", "sql", "redis")
IN_MEMORY_SWEEP_SECONDS = 3600.0
DEFAULT_MAX_EVENT_HISTORY = 100
DEFAULT_MAX_CONVERSATIONS = 5000


def _max_conversations(value: Any) -> int:
    """The in-memory bound (endpoint key, else MAX_CONVERSATIONS_IN_MEMORY, else 5 000)."""
    raw = os.environ.get("MAX_CONVERSATIONS_IN_MEMORY", DEFAULT_MAX_CONVERSATIONS) if value in (None, "") else value
    bound = int(raw)
    if bound < 1:
        raise ValueError("MaskingTrackerStore: max_conversations must be at least 1")
    return bound


def _max_event_history(value: Any) -> Optional[int]:
    """The configured bound (endpoint key, else MAX_EVENT_HISTORY, else 100); 0 or "none" = no bound."""
    raw = os.environ.get("MAX_EVENT_HISTORY", DEFAULT_MAX_EVENT_HISTORY) if value in (None, "") else value
    if str(raw).strip().lower() in ("0", "none"):
        return None
    bound = int(raw)
    if bound < 10:
        raise ValueError("MaskingTrackerStore: max_event_history must be at least 10 (or 0/none for no bound)")
    return bound


# ---------------------------------------------------------------------------------------------
# The current turn: set by the channel around one message, read by the store.
@dataclass
class Turn:
    """What became of the conversation store during one message, and what the message achieved
    (`counts`: the campaign counters it adds, `bot.campaign_counts.turn_metrics`)."""

    store_failed: bool = False
    counts: Tuple[str, ...] = ()
    deleted: bool = False  # the conversation was deleted at the user's request


_TURN: contextvars.ContextVar[Optional[Turn]] = contextvars.ContextVar("privacy_turn", default=None)


@contextlib.contextmanager
def turn() -> Iterator[Turn]:
    """Mark one message's handling; afterwards `.store_failed` says if the store failed meanwhile."""
    state = Turn()
    token = _TURN.set(state)
    try:
        yield state
    finally:
        _TURN.reset(token)


def turn_failed() -> bool:
    """Has the conversation store failed during the current turn (False outside a turn)?"""
    state = _TURN.get()
    return bool(state and state.store_failed)


class TrackerStoreUnavailable(RasaException):
    """The inner store failed; the message names only the kind of error, never data."""


def describe_error(error: BaseException) -> str:
    """`OperationalError (sqlalchemy.exc) at base.py:1234`: no message, which may quote data."""
    kind = f"{type(error).__name__} ({type(error).__module__})"
    frames = traceback.extract_tb(error.__traceback__) if error.__traceback__ else []
    if frames:
        last = frames[-1]
        kind += f" at {last.filename.rsplit('/', 1)[-1]}:{last.lineno}"
    return kind


# ---------------------------------------------------------------------------------------------
# Masking of events
def mask_value(value: Any) -> Any:
    """`value` with every string in it masked (lists and dicts walked); other values as they are."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list):
        return [mask_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(mask_value(v) for v in value)
    if isinstance(value, dict):
        return {k: mask_value(v) for k, v in value.items()}
    return value


def _mask_entity(entity: Any) -> Any:
    if not isinstance(entity, dict):
        return entity
    masked = dict(entity)
    for key in ("value", "text"):
        if key in masked:
            masked[key] = mask_value(masked[key])
    return masked


def _mask_parse_data(parse_data: Any) -> Any:
    if not isinstance(parse_data, dict):
        return parse_data
    masked = dict(parse_data)
    if isinstance(masked.get("text"), str):
        masked["text"] = mask(masked["text"])
    if isinstance(masked.get("entities"), list):
        masked["entities"] = [_mask_entity(e) for e in masked["entities"]]
    if masked.get("metadata"):
        masked["metadata"] = mask_value(masked["metadata"])
    return masked


# Events read back from the store were masked before they were saved: they are marked with this
# attribute so that saving the conversation again masks only the turn's new events (masking every
# event on every save was 9 % of Rasa's CPU time per message).
_STORED = "_bot_stored_masked"


def _mark_stored(tracker: Optional[DialogueStateTracker]) -> Optional[DialogueStateTracker]:
    if tracker is not None:
        for event in tracker.events:
            setattr(event, _STORED, True)
    return tracker


def mask_event(event: Event) -> Event:
    """A masked copy of `event`, or `event` itself when there was nothing to mask (or it was read
    back from the store, where only masked events are kept)."""
    if getattr(event, _STORED, False):
        return event
    if isinstance(event, UserUttered):
        text = mask(event.text) if isinstance(event.text, str) else event.text
        entities = [_mask_entity(e) for e in event.entities or []]
        parse_data = _mask_parse_data(event.parse_data)
        metadata = mask_value(event.metadata) if event.metadata else event.metadata
        if (text, entities, parse_data, metadata) == (event.text, event.entities, event.parse_data, event.metadata):
            return event
        masked = copy.copy(event)
        masked.text, masked.entities, masked.parse_data, masked.metadata = text, entities, parse_data, metadata
        return masked
    if isinstance(event, SlotSet):
        value = mask_value(event.value)
        if value == event.value:
            return event
        masked = copy.copy(event)
        masked.value = value
        return masked
    if isinstance(event, BotUttered):
        text = mask(event.text) if isinstance(event.text, str) else event.text
        if text == event.text:
            return event
        masked = copy.copy(event)
        masked.text = text
        return masked
    return event


def masked_tracker(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """A copy of `tracker` whose events are masked (the tracker itself when nothing changed).

    The copy is shallow apart from the events: stores read only the sender id and the events.
    """
    events = [mask_event(e) for e in tracker.events]
    if all(m is e for m, e in zip(events, tracker.events)):
        return tracker
    clone = copy.copy(tracker)
    clone.events = deque(events, maxlen=tracker.events.maxlen)
    latest = next((e for e in reversed(events) if isinstance(e, UserUttered)), None)
    if latest is not None:
        clone.latest_message = latest
    return clone


def latest_intent(tracker: DialogueStateTracker) -> Optional[Text]:
    """Name of the intent of the latest user message, if any."""
    message = tracker.latest_message
    return message.intent_name if message is not None else None


# ---------------------------------------------------------------------------------------------
def _inner_kind(raw: Any) -> str:
    kind = str(raw or "in_memory").strip().lower().replace("-", "_")
    kind = {"memory": "in_memory", "inmemory": "in_memory", "in_memory": "in_memory"}.get(kind, kind)
    if kind not in INNER_KINDS:
        raise ValueError(f"MaskingTrackerStore: inner must be one of {', '.join(INNER_KINDS)}, not {raw!r}")
    return kind


class MaskingTrackerStore(TrackerStore):
    """Masks what is stored, deletes on "radera mitt samtal", keeps Rasa running when the store fails."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[Text] = None,
        event_broker: Optional[EventBroker] = None,
        inner: Text = "in_memory",
        retention_days: Optional[Any] = None,
        max_event_history: Optional[Any] = None,
        max_conversations: Optional[Any] = None,
        **kwargs: Any,
    ) -> None:
        self.kind = _inner_kind(inner)
        self.max_conversations = _max_conversations(max_conversations)
        # SQL appends only the events it lacks, counted by position: a cut history would lose events.
        self.history_bound = None if self.kind == "sql" else _max_event_history(max_event_history)
        self.retention_days = retention.default_days() if retention_days in (None, "") else int(retention_days)
        if self.retention_days < 1:
            raise ValueError("MaskingTrackerStore: retention_days must be at least 1")
        domain = domain or Domain.empty()
        if self.kind == "sql":
            self.inner: TrackerStore = SQLTrackerStore(domain=domain, host=host, event_broker=event_broker, **kwargs)
            _enable_pre_ping(self.inner)
        elif self.kind == "redis":
            kwargs.setdefault("record_exp", self.retention_days * 86400)
            self.inner = RedisTrackerStore(domain=domain, host=host or "localhost", event_broker=event_broker, **kwargs)
        else:
            self.inner = InMemoryTrackerStore(domain, event_broker)
        self._last_sweep = time.monotonic()
        super().__init__(domain, event_broker)
        self.max_event_history = self.inner.max_event_history = self.history_bound
        logger.debug("MaskingTrackerStore around %s", type(self.inner).__name__)

    # Rasa sets the domain after loading the model; the inner store needs it to rebuild trackers.
    @property
    def domain(self) -> Domain:
        return self._domain

    @domain.setter
    def domain(self, domain: Optional[Domain]) -> None:
        self._domain = domain or Domain.empty()
        if hasattr(self, "inner"):
            self.inner.domain = self._domain

    # ---- faults -----------------------------------------------------------------------------
    def _failed(self, operation: str, error: Exception) -> None:
        state = _TURN.get()
        if state is not None:
            state.store_failed = True
        logger.error("Conversation store (%s) failed in %s: %s", self.kind, operation, describe_error(error))

    # ---- reading ------------------------------------------------------------------------------
    async def get_or_create_tracker(
        self, sender_id: Text, max_event_history: Optional[int] = None, append_action_listen: bool = True
    ) -> DialogueStateTracker:
        """Rasa asks without a bound (None); ours applies to every tracker read or created."""
        bound = max_event_history or self.history_bound
        self.max_event_history = self.inner.max_event_history = bound
        tracker = await self.retrieve(sender_id)
        if tracker is None:
            tracker = await self.create_tracker(sender_id, append_action_listen=append_action_listen)
        return tracker

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        if turn_failed():
            return None
        try:
            return _mark_stored(await self.inner.retrieve(sender_id))
        except Exception as error:  # noqa: BLE001 – any fault of the store, see the module doc
            self._failed("retrieve", error)
            return None

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        if turn_failed():
            return None
        try:
            return _mark_stored(await self.inner.retrieve_full_tracker(conversation_id))
        except Exception as error:  # noqa: BLE001
            self._failed("retrieve_full_tracker", error)
            return None

    async def keys(self) -> Iterable[Text]:
        try:
            return await self.inner.keys()
        except Exception as error:  # noqa: BLE001
            self._failed("keys", error)
            raise TrackerStoreUnavailable(f"conversation store ({self.kind}) unavailable") from None

    # ---- writing ------------------------------------------------------------------------------
    async def save(self, tracker: DialogueStateTracker) -> None:
        """Save a masked copy, or delete the conversation when the user asked for that."""
        if turn_failed():
            return  # the store failed earlier in this turn: the tracker may lack its history
        try:
            if latest_intent(tracker) == DELETE_INTENT:
                await self._delete(tracker.sender_id)
                state = _TURN.get()
                if state is not None:
                    state.deleted = True
                logger.info("Conversation deleted at the user's request")
                return
            await self.inner.save(masked_tracker(tracker))
            _note_counts(tracker)
            if self.kind == "in_memory":
                self._keep_in_memory_bound(tracker.sender_id)
                self._sweep_in_memory()
        except Exception as error:  # noqa: BLE001
            self._failed("save", error)

    async def delete(self, sender_id: Text) -> None:
        """Delete the whole conversation (every session) of `sender_id` from the inner store."""
        try:
            await self._delete(sender_id)
        except Exception as error:  # noqa: BLE001
            self._failed("delete", error)
            raise TrackerStoreUnavailable(f"conversation store ({self.kind}) unavailable") from None

    async def _delete(self, sender_id: Text) -> None:
        inner = self.inner
        if isinstance(inner, SQLTrackerStore):
            with inner.session_scope() as session:
                session.query(inner.SQLEvent).filter(inner.SQLEvent.sender_id == sender_id).delete(
                    synchronize_session=False
                )
                session.commit()
        elif isinstance(inner, RedisTrackerStore):
            inner.red.delete(inner.key_prefix + sender_id)
        elif isinstance(inner, InMemoryTrackerStore):
            inner.store.pop(sender_id, None)

    def _keep_in_memory_bound(self, sender_id: Text) -> None:
        """Mark `sender_id` as the most recently active, and drop the quietest conversations above the
        bound (a dict keeps insertion order: the first keys are the longest quiet)."""
        store = self.inner.store
        if sender_id in store:
            store[sender_id] = store.pop(sender_id)
        overflow = len(store) - self.max_conversations
        if overflow > 0:
            for key in list(itertools.islice(store, overflow)):
                del store[key]
            logger.warning("Memory bound: %d quietest conversations dropped (%d kept)", overflow,
                           self.max_conversations)

    def _sweep_in_memory(self) -> None:
        """Drop in-memory conversations past the retention time (at most once an hour)."""
        now = time.monotonic()
        if now - self._last_sweep < IN_MEMORY_SWEEP_SECONDS:
            return
        self._last_sweep = now
        removed = retention.purge_in_memory(self.inner, retention.cutoff(self.retention_days))
        if removed:
            logger.info("Retention: %d conversations older than %d days dropped", removed, self.retention_days)


def _note_counts(tracker: DialogueStateTracker) -> None:
    """Put the campaign counters this message adds on the current turn (the channel sends them to the
    web front in a header). Only intents, action names and one slot are looked at; never text."""
    state = _TURN.get()
    if state is None:
        return
    try:
        steps = []
        for event in tracker.events:
            new = not getattr(event, _STORED, False)
            if isinstance(event, UserUttered):
                name = event.full_retrieval_intent_name or event.intent_name
                if name:
                    steps.append(campaign_counts.Step(new, "user", name))
            elif isinstance(event, ActionExecuted):
                steps.append(campaign_counts.Step(new, "action", event.action_name or ""))
            elif isinstance(event, SlotSet) and event.key == "awaiting_location":
                steps.append(campaign_counts.Step(new, "slot", event.key, event.value))
        state.counts = tuple(campaign_counts.turn_metrics(steps))
    except Exception as error:  # noqa: BLE001 – counting never stands in the way of an answer
        logger.warning("Campaign counters of this message skipped: %s", type(error).__name__)


def _enable_pre_ping(store: SQLTrackerStore) -> None:
    """Test pooled connections before use, so that a restarted database is picked up at once."""
    import sqlalchemy as sa

    url = store.engine.url
    old = store.engine
    store.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
    store.sessionmaker = sa.orm.session.sessionmaker(bind=store.engine)
    old.dispose()


def unwrap(store: TrackerStore) -> TrackerStore:
    """The store that really holds the conversations, under Rasa's and our wrappers."""
    seen = set()
    while id(store) not in seen:
        seen.add(id(store))
        if isinstance(store, MaskingTrackerStore):
            store = store.inner
        elif hasattr(store, "_tracker_store"):  # FailSafeTrackerStore, AwaitableTrackerStore
            store = store._tracker_store
        else:
            break
    return store

