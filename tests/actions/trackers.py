"""Tracker fixtures for the action tests, in the style of RasaHQ's financial-demo.

`tracker(...)` builds a rasa_sdk Tracker (via Tracker.from_dict) whose latest message has the
given text, intent, entities and ranking; `run(action, tracker)` runs an action with a fresh
CollectingDispatcher and returns what it said and the events it returned.

Test modules import the fixtures (`from trackers import run, tracker`). This is not a conftest.py
on purpose: a second module named `conftest` would shadow `tests/conftest.py`, which other test
modules import by name (`from conftest import ROOT`).
"""

from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

DEFAULT_SLOTS = {"location": None, "situation": None, "awaiting_location": None, "awaiting_situation": None}


def make_tracker(
    text: str = "",
    intent: Optional[str] = None,
    entities: Sequence[Tuple[str, str]] = (),
    slots: Optional[Dict[str, Any]] = None,
    intent_ranking: Optional[List[Dict[str, Any]]] = None,
    response_selector: Optional[Dict[str, Any]] = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9} if intent else {},
        "entities": [{"entity": e, "value": v, "start": 0, "end": 0} for e, v in entities],
        "intent_ranking": intent_ranking
        if intent_ranking is not None
        else ([{"name": intent, "confidence": 0.9}] if intent else []),
    }
    if response_selector is not None:
        latest["response_selector"] = response_selector
    return Tracker.from_dict(
        {
            "sender_id": "test-user",
            "slots": {**DEFAULT_SLOTS, **(slots or {})},
            "latest_message": latest,
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


class Result(NamedTuple):
    texts: List[str]
    buttons: List[Dict[str, Any]]
    events: List[Dict[str, Any]]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    def slot(self, name: str) -> Any:
        """The value the action set for slot `name` (KeyError if it did not set it)."""
        return next(e["value"] for e in self.events if e.get("event") == "slot" and e["name"] == name)


@pytest.fixture
def tracker():
    return make_tracker


@pytest.fixture
def run():
    async def _run(action, tracker: Tracker, domain: Optional[Dict[str, Any]] = None) -> Result:
        dispatcher = CollectingDispatcher()
        events = await action.run(dispatcher, tracker, domain or {})
        texts = [m["text"] for m in dispatcher.messages if m.get("text")]
        buttons = [b for m in dispatcher.messages for b in (m.get("buttons") or [])]
        return Result(texts, buttons, events)

    return _run
