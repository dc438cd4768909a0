"""Fault isolation for the tracker store: the inner store's errors never reach Rasa.

A failure is logged by error type and code line only (an SQL error's message quotes the statement
and its parameters) and marks the current turn as failed (`bot.rasa_plugins.turn_state`); the
store then reads nothing and saves nothing for the rest of that turn, and the channel answers
HTTP 503. Pooled SQL connections are tested before use, so a restarted database is used again at
the next turn.
"""

from __future__ import annotations

import logging
import traceback

from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.exceptions import RasaException

from bot.rasa_plugins.turn_state import current_turn

logger = logging.getLogger(__name__)


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


def record_failure(store_kind: str, operation: str, error: BaseException) -> None:
    """Mark the current turn as failed and log the error without its message."""
    state = current_turn()
    if state is not None:
        state.store_failed = True
    logger.error("Conversation store (%s) failed in %s: %s", store_kind, operation, describe_error(error))


def unavailable(store_kind: str) -> TrackerStoreUnavailable:
    """The error raised where Rasa expects one (keys, delete): it names no data."""
    return TrackerStoreUnavailable(f"conversation store ({store_kind}) unavailable")


def enable_pre_ping(store: SQLTrackerStore) -> None:
    """Test pooled connections before use, so that a restarted database is picked up at once."""
    import sqlalchemy as sa

    url = store.engine.url
    old = store.engine
    store.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
    store.sessionmaker = sa.orm.session.sessionmaker(bind=store.engine)
    old.dispose()
