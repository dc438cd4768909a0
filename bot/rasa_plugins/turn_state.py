"""The current turn: what became of the conversation store while one message was handled.

The channel (`bot.rasa_plugins.channel`) opens a turn around each message with `turn()` and reads
it afterwards; the tracker store (`bot.rasa_plugins.tracker_store`) fills it in. Held in a context
variable, so concurrent messages each see their own.
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass
from typing import Iterator, Optional, Tuple


@dataclass
class Turn:
    """What became of the conversation store during one message, and what the message achieved
    (`counts`: the campaign counters it adds, `bot.domain.campaign_counts.turn_metrics`)."""

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


def current_turn() -> Optional[Turn]:
    """The turn being handled, or None outside a turn."""
    return _TURN.get()


def turn_failed() -> bool:
    """Has the conversation store failed during the current turn (False outside a turn)?"""
    state = _TURN.get()
    return bool(state and state.store_failed)
