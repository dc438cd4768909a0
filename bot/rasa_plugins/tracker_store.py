"""A tracker store that masks personal data before anything is stored, and forgets on request.

Configured by module path in endpoints.yml / endpoints.scaled.yml; `inner` names the store that
really keeps the conversations, and the remaining keys are that store's own:

    tracker_store:
      type: bot.rasa_plugins.tracker_store.MaskingTrackerStore
      inner: sql            # in_memory (default) | sql | redis
      dialect: postgresql
      url: "${DB_HOST}"
      ...

Rasa builds it with `MaskingTrackerStore(host=<url>, domain=..., event_broker=..., **other keys)`
(rasa/core/tracker_store.py, `_load_from_module_name_in_endpoint_config`) and wraps it in its
`FailSafeTrackerStore`.

This module only composes; each job lives in its own module:
- Masking (`bot.rasa_plugins.masked_tracker`, strings by `bot.privacy.event_masking`): the inner
  store gets a masked copy of the tracker – the user's text, the text and entity values in the
  parse data, message metadata, slot values and bot texts (a bot text can quote the user). The
  channel (`bot.rasa_plugins.channel`) already masks at the door; this is the second lock, for every
  other way into Rasa. The live tracker Rasa works with is not changed.
- "radera mitt samtal" (`bot.rasa_plugins.conversation_deletion`): when the latest user intent is
  `delete_conversation`, the whole conversation (all sessions) is deleted from the inner store
  instead of saved. The turn is marked `deleted`, and the channel tells the web front (header
  `X-Chat-Deleted`), which then refuses the id.
- Bounds (`bot.privacy.history_cap`): in memory and in Redis (one record per conversation) a
  conversation keeps its latest `max_event_history` events (default 100, env MAX_EVENT_HISTORY);
  SQL appends the events it lacks by position, so its history is never cut. In memory at most
  `max_conversations` conversations are held (default 5 000, env MAX_CONVERSATIONS_IN_MEMORY); the
  quietest are dropped first.
- Retention (`bot.privacy.retention_rules`): with `inner: redis` every key gets a time to live of
  `retention_days` (unless `record_exp` is set); with `inner: in_memory` conversations whose last
  event is older than `retention_days` are dropped at most once an hour. SQL is purged by
  `bot.rasa_plugins.retention.purge` (`make purge`). Default: env RETENTION_DAYS, else 30.
- Faults (`bot.rasa_plugins.store_faults`, `bot.rasa_plugins.turn_state`): the inner store's errors
  never reach Rasa. They are logged by type only, the current turn is marked as failed
  (`turn_failed`), `retrieve` returns None and `save` stores nothing for the rest of that turn;
  `bot.rasa_plugins.channel.MaskingRestInput` then answers HTTP 503. Nothing falls through to Rasa's
  in-memory fallback store, and every new turn tries the inner store again.
- Campaign counters (`bot.rasa_plugins.campaign_steps`): what each saved message adds is put on the
  turn for the channel.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import history_cap, retention_rules
from bot.privacy.event_masking import mask_value
from bot.privacy.history_cap import DEFAULT_MAX_CONVERSATIONS, DEFAULT_MAX_EVENT_HISTORY
from bot.rasa_plugins.campaign_steps import note_counts
from bot.rasa_plugins.conversation_deletion import DELETE_INTENT, asks_for_deletion, delete_conversation, latest_intent
from bot.rasa_plugins.masked_tracker import mark_stored, mask_event, masked_tracker
from bot.rasa_plugins.store_faults import (
    TrackerStoreUnavailable,
    describe_error,
    enable_pre_ping,
    record_failure,
    unavailable,
)
from bot.rasa_plugins.turn_state import Turn, current_turn, turn, turn_failed

logger = logging.getLogger(__name__)

INNER_KINDS = ("in_memory", "sql", "redis")
IN_MEMORY_SWEEP_SECONDS = retention_rules.SWEEP_SECONDS

# Importable from here as before the split (channel, tests).
__all__ = [
    "DEFAULT_MAX_CONVERSATIONS",
    "DEFAULT_MAX_EVENT_HISTORY",
    "DELETE_INTENT",
    "INNER_KINDS",
    "IN_MEMORY_SWEEP_SECONDS",
    "MaskingTrackerStore",
    "TrackerStoreUnavailable",
    "Turn",
    "describe_error",
    "latest_intent",
    "mask_event",
    "mask_value",
    "masked_tracker",
    "turn",
    "turn_failed",
    "unwrap",
]


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
        self.max_conversations = history_cap.max_conversations(max_conversations)
        # SQL appends only the events it lacks, counted by position: a cut history would lose events.
        self.history_bound = None if self.kind == "sql" else history_cap.max_event_history(max_event_history)
        self.retention_days = retention_rules.retention_days(retention_days)
        domain = domain or Domain.empty()
        if self.kind == "sql":
            self.inner: TrackerStore = SQLTrackerStore(domain=domain, host=host, event_broker=event_broker, **kwargs)
            enable_pre_ping(self.inner)
        elif self.kind == "redis":
            kwargs.setdefault("record_exp", self.retention_days * 86400)
            self.inner = RedisTrackerStore(domain=domain, host=host or "localhost", event_broker=event_broker, **kwargs)
        else:
            self.inner = InMemoryTrackerStore(domain, event_broker)
        self.sweeps = retention_rules.SweepSchedule(IN_MEMORY_SWEEP_SECONDS)
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
            return mark_stored(await self.inner.retrieve(sender_id))
        except Exception as error:  # noqa: BLE001 – any fault of the store, see the module doc
            record_failure(self.kind, "retrieve", error)
            return None

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        if turn_failed():
            return None
        try:
            return mark_stored(await self.inner.retrieve_full_tracker(conversation_id))
        except Exception as error:  # noqa: BLE001
            record_failure(self.kind, "retrieve_full_tracker", error)
            return None

    async def keys(self) -> Iterable[Text]:
        try:
            return await self.inner.keys()
        except Exception as error:  # noqa: BLE001
            record_failure(self.kind, "keys", error)
            raise unavailable(self.kind) from None

    # ---- writing ------------------------------------------------------------------------------
    async def save(self, tracker: DialogueStateTracker) -> None:
        """Save a masked copy, or delete the conversation when the user asked for that."""
        if turn_failed():
            return  # the store failed earlier in this turn: the tracker may lack its history
        try:
            if asks_for_deletion(tracker):
                delete_conversation(self.inner, tracker.sender_id)
                state = current_turn()
                if state is not None:
                    state.deleted = True
                logger.info("Conversation deleted at the user's request")
                return
            await self.inner.save(masked_tracker(tracker))
            note_counts(tracker)
            if self.kind == "in_memory":
                self._keep_in_memory_bound(tracker.sender_id)
                self._sweep_in_memory()
        except Exception as error:  # noqa: BLE001
            record_failure(self.kind, "save", error)

    async def delete(self, sender_id: Text) -> None:
        """Delete the whole conversation (every session) of `sender_id` from the inner store."""
        try:
            delete_conversation(self.inner, sender_id)
        except Exception as error:  # noqa: BLE001
            record_failure(self.kind, "delete", error)
            raise unavailable(self.kind) from None

    def _keep_in_memory_bound(self, sender_id: Text) -> None:
        """Mark `sender_id` as the most recently active; drop the quietest conversations above the bound."""
        dropped = history_cap.keep_most_recent(self.inner.store, sender_id, self.max_conversations)
        if dropped:
            logger.warning("Memory bound: %d quietest conversations dropped (%d kept)", dropped, self.max_conversations)

    def _sweep_in_memory(self) -> None:
        """Drop in-memory conversations past the retention time (at most once an hour)."""
        if not self.sweeps.due():
            return
        removed = retention_rules.drop_stale(self.inner.store, retention_rules.cutoff(self.retention_days))
        if removed:
            logger.info("Retention: %d conversations older than %d days dropped", removed, self.retention_days)


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
