"""The campaign counters a message adds, read from the tracker the store is saving and put on the
current turn (the channel sends them to the web front in a header; `bot.domain.campaign_counts`
decides what counts). Only intents, action names and one slot are looked at, never text.
"""

from __future__ import annotations

import logging
from typing import List

from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.domain import campaign_counts
from bot.rasa_plugins.masked_tracker import is_stored
from bot.rasa_plugins.turn_state import current_turn

logger = logging.getLogger(__name__)


def steps(tracker: DialogueStateTracker) -> List[campaign_counts.Step]:
    """The tracker's events as counting steps; `new` is True for the events of this turn."""
    found = []
    for event in tracker.events:
        new = not is_stored(event)
        if isinstance(event, UserUttered):
            name = event.full_retrieval_intent_name or event.intent_name
            if name:
                found.append(campaign_counts.Step(new, "user", name))
        elif isinstance(event, ActionExecuted):
            found.append(campaign_counts.Step(new, "action", event.action_name or ""))
        elif isinstance(event, SlotSet) and event.key == "awaiting_location":
            found.append(campaign_counts.Step(new, "slot", event.key, event.value))
    return found


def note_counts(tracker: DialogueStateTracker) -> None:
    """Put the campaign counters this message adds on the current turn (nothing outside a turn)."""
    state = current_turn()
    if state is None:
        return
    try:
        state.counts = tuple(campaign_counts.turn_metrics(steps(tracker)))
    except Exception as error:  # noqa: BLE001 – counting never stands in the way of an answer
        logger.warning("Campaign counters of this message skipped: %s", type(error).__name__)
