"""How much a conversation store keeps: the latest events of each conversation, and (in memory)
a bound on the number of conversations, dropping the one that has been quiet longest.

Plain Python, no Rasa import; applied by `bot.rasa_plugins.tracker_store.MaskingTrackerStore`.
Rasa reads, replays and writes a conversation's whole history on every message, so an unbounded
history made each answer slower the longer someone wrote; older events are dropped from the store
too (less kept about the person). The conversation bound keeps a flood of new conversations from
exhausting memory.
"""

from __future__ import annotations

import itertools
import os
from typing import Any, MutableMapping, Optional

DEFAULT_MAX_EVENT_HISTORY = 100  # about 20 exchanges
DEFAULT_MAX_CONVERSATIONS = 5000


def max_conversations(value: Any = None) -> int:
    """The in-memory bound (endpoint key, else MAX_CONVERSATIONS_IN_MEMORY, else 5 000)."""
    raw = os.environ.get("MAX_CONVERSATIONS_IN_MEMORY", DEFAULT_MAX_CONVERSATIONS) if value in (None, "") else value
    bound = int(raw)
    if bound < 1:
        raise ValueError("MaskingTrackerStore: max_conversations must be at least 1")
    return bound


def max_event_history(value: Any = None) -> Optional[int]:
    """The configured bound (endpoint key, else MAX_EVENT_HISTORY, else 100); 0 or "none" = no bound."""
    raw = os.environ.get("MAX_EVENT_HISTORY", DEFAULT_MAX_EVENT_HISTORY) if value in (None, "") else value
    if str(raw).strip().lower() in ("0", "none"):
        return None
    bound = int(raw)
    if bound < 10:
        raise ValueError("MaskingTrackerStore: max_event_history must be at least 10 (or 0/none for no bound)")
    return bound


def keep_most_recent(conversations: MutableMapping[str, Any], active: str, bound: int) -> int:
    """Mark `active` as the most recently active conversation and drop the quietest ones above
    `bound`; return how many were dropped. `conversations` must keep insertion order (a dict): the
    first keys are the longest quiet."""
    if active in conversations:
        conversations[active] = conversations.pop(active)
    overflow = len(conversations) - bound
    if overflow <= 0:
        return 0
    for key in list(itertools.islice(conversations, overflow)):
        del conversations[key]
    return overflow
