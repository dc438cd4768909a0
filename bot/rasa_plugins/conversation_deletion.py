""" "radera mitt samtal" in the tracker store: recognise the turn that asks for deletion, and delete
the whole conversation (every session) from Rasa's store – SQL: the sender's rows in `events`;
Redis: the key; in memory: the entry.

Typed requests become the intent in the channel (`bot.privacy.deletion`); Rasa's lock store removes
the conversation's lock key itself when the turn ends.
"""

from __future__ import annotations

from typing import Optional, Text

from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore, SQLTrackerStore, TrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

DELETE_INTENT = "delete_conversation"


def latest_intent(tracker: DialogueStateTracker) -> Optional[Text]:
    """Name of the intent of the latest user message, if any."""
    message = tracker.latest_message
    return message.intent_name if message is not None else None


def asks_for_deletion(tracker: DialogueStateTracker) -> bool:
    """Is the latest user message the request to delete the conversation?"""
    return latest_intent(tracker) == DELETE_INTENT


def delete_conversation(store: TrackerStore, sender_id: Text) -> None:
    """Delete every stored event of `sender_id` from one of Rasa's own stores (errors propagate)."""
    if isinstance(store, SQLTrackerStore):
        with store.session_scope() as session:
            session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender_id).delete(
                synchronize_session=False
            )
            session.commit()
    elif isinstance(store, RedisTrackerStore):
        store.red.delete(store.key_prefix + sender_id)
    elif isinstance(store, InMemoryTrackerStore):
        store.store.pop(sender_id, None)
