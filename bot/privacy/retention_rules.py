"""Retention rules: how many days a conversation is kept after its last event, the cut-off time
that follows, and which conversations held as serialised trackers in a mapping are past it.

Plain Python, no Rasa import. The in-memory tracker store sweeps itself with these
(`bot.rasa_plugins.tracker_store`); SQL and Redis stores are purged by `bot.rasa_plugins.retention`.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any, Callable, MutableMapping, Optional

DEFAULT_DAYS = 30
SWEEP_SECONDS = 3600.0  # an in-memory store looks for old conversations at most this often


def default_days() -> int:
    """RETENTION_DAYS from the environment, else 30."""
    raw = os.environ.get("RETENTION_DAYS", "").strip()
    if not raw:
        return DEFAULT_DAYS
    days = int(raw)
    if days < 1:
        raise ValueError(f"RETENTION_DAYS must be at least 1, not {raw!r}")
    return days


def retention_days(value: Any = None) -> int:
    """The tracker store's `retention_days` key, else `default_days()`."""
    days = default_days() if value in (None, "") else int(value)
    if days < 1:
        raise ValueError("MaskingTrackerStore: retention_days must be at least 1")
    return days


def cutoff(days: int, now: Optional[float] = None) -> float:
    """The Unix time before which a conversation's last event makes it too old."""
    return (time.time() if now is None else now) - days * 86400


def last_timestamp(serialised: Any) -> Optional[float]:
    """Timestamp of the last event of a serialised tracker (JSON), or None if it cannot be read."""
    try:
        events = json.loads(serialised).get("events") or []
        stamps = [e.get("timestamp") for e in events if isinstance(e, dict)]
        stamps = [float(s) for s in stamps if isinstance(s, (int, float))]
        return max(stamps) if stamps else None
    except (ValueError, TypeError, AttributeError):
        return None


def drop_stale(conversations: MutableMapping[str, Any], before: float) -> int:
    """Drop from `conversations` (sender id → serialised tracker) every one whose last event is
    before `before`; return how many were dropped. Unreadable trackers are kept."""
    stale = [
        sender
        for sender, serialised in list(conversations.items())
        if (stamp := last_timestamp(serialised)) is not None and stamp < before
    ]
    for sender in stale:
        conversations.pop(sender, None)
    return len(stale)


class SweepSchedule:
    """Says when a sweep is due: at most once every `seconds`, the first one `seconds` after creation."""

    def __init__(self, seconds: float = SWEEP_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self.last = clock()

    def due(self) -> bool:
        """True (and the sweep counted as done now) when `seconds` have passed since the last one."""
        now = self.clock()
        if now - self.last < self.seconds:
            return False
        self.last = now
        return True
