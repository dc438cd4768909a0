"""Masked copies of Rasa events and trackers, for the tracker store to save.

The user's text, entities, parse data and message metadata, slot values and bot texts (a bot text
can quote the user) are masked with `bot.privacy.event_masking`; other events hold no user text.
Of the parse data only the chosen interpretation is kept (`bot.privacy.stored_parse`).
The live tracker Rasa works with is never changed. Events read back from the store were masked
before they were saved: `mark_stored` marks them, so that saving the conversation again masks only
the turn's new events (masking every event on every save was 9 % of Rasa's CPU time per message).
"""

from __future__ import annotations

import copy
from collections import deque
from typing import Optional

from rasa.shared.core.events import BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy.event_masking import mask_bot_text, mask_entity, mask_parse_data, mask_text, mask_value
from bot.privacy.stored_parse import stored_parse_data

_STORED = "_bot_stored_masked"


def mark_stored(tracker: Optional[DialogueStateTracker]) -> Optional[DialogueStateTracker]:
    """Mark every event of a tracker read back from the store as already masked."""
    if tracker is not None:
        for event in tracker.events:
            setattr(event, _STORED, True)
    return tracker


def is_stored(event: Event) -> bool:
    """Was `event` read back from the store (and so masked already)?"""
    return getattr(event, _STORED, False)


def mask_event(event: Event) -> Event:
    """A masked copy of `event`, or `event` itself when there was nothing to mask (or it was read
    back from the store, where only masked events are kept)."""
    if is_stored(event):
        return event
    if isinstance(event, UserUttered):
        text = mask_text(event.text)
        entities = [mask_entity(e) for e in event.entities or []]
        parse_data = mask_parse_data(stored_parse_data(event.parse_data), text=(event.text, text))
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
        text = mask_bot_text(event.text)
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
