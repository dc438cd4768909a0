"""bot.speedups.event_lookup: the cached event-class lookup gives exactly Rasa's answers."""

import pytest
from rasa.shared.core import events
from rasa.shared.utils.common import all_subclasses

from bot.speedups import event_lookup


def _rasa_lookup(type_name):
    for cls in all_subclasses(events.Event):
        if cls.type_name == type_name:
            return cls
    return None


def test_same_class_for_every_event_type():
    event_lookup.install()
    names = {cls.type_name for cls in all_subclasses(events.Event)}
    assert {"user", "bot", "action", "slot", "session_started"} <= names
    for _ in range(2):  # first call fills the cache, second reads it
        for name in names:
            assert events.Event.resolve_by_type(name) is _rasa_lookup(name), name


def test_unknown_names_behave_as_in_rasa():
    event_lookup.install()
    assert events.Event.resolve_by_type("topic") is None
    assert events.Event.resolve_by_type("no_such_event", default=events.SlotSet) is events.SlotSet
    with pytest.raises(ValueError):
        events.Event.resolve_by_type("no_such_event")
    original = events.Event.resolve_by_type._bot_original  # Rasa's own, for the same questions
    assert original("topic", None) is None
    assert original("no_such_event", events.SlotSet) is events.SlotSet


def test_later_event_classes_are_found():
    event_lookup.install()
    assert events.Event.resolve_by_type("bot_test_late_event", default=events.SlotSet) is events.SlotSet

    class LateEvent(events.SlotSet):
        type_name = "bot_test_late_event"

    assert events.Event.resolve_by_type("bot_test_late_event") is LateEvent


def test_install_is_idempotent():
    event_lookup.install()
    first = events.Event.resolve_by_type
    event_lookup.install()
    assert events.Event.resolve_by_type is first
    assert isinstance(vars(events.Event)["resolve_by_type"], staticmethod)


def test_events_round_trip():
    event_lookup.install()
    evts = [
        events.UserUttered("hej", {"name": "greet"}),
        events.BotUttered("Hej!"),
        events.SlotSet("location", "Umeå"),
        events.ActionExecuted("action_listen"),
        events.SessionStarted(),
    ]
    again = [events.Event.from_parameters(e.as_dict()) for e in evts]
    assert [type(e) for e in again] == [type(e) for e in evts]
    assert again == evts
