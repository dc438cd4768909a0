"""bot.fast_events: cached event-class lookup gives exactly Rasa's answers."""
import pytest
from rasa.shared.core import events
from rasa.shared.utils.common import all_subclasses

from bot import fast_events


def _rasa_lookup(type_name):
    for cls in all_subclasses(events.Event):
        if cls.type_name == type_name:
            return cls
    return None


def test_same_class_for_every_event_type():
    fast_events.install()
    names = {cls.type_name for cls in all_subclasses(events.Event)}
    assert {"user", "bot", "action", "slot", "session_started"} <= names
    for _ in range(2):  # first call fills the cache, second reads it
        for name in names:
            assert events.Event.resolve_by_type(name) is _rasa_lookup(name), name


def test_unknown_names_behave_as_in_rasa():
    fast_events.install()
    assert events.Event.resolve_by_type("topic") is None
    assert events.Event.resolve_by_type("no_such_event", default=events.SlotSet) is events.SlotSet
    with pytest.raises(ValueError):
        events.Event.resolve_by_type("no_such_event")


def test_later_event_classes_are_found():
    fast_events.install()
    assert events.Event.resolve_by_type("bot_test_late_event", default=events.SlotSet) is events.SlotSet

    class LateEvent(events.SlotSet):
        type_name = "bot_test_late_event"

    assert events.Event.resolve_by_type("bot_test_late_event") is LateEvent


def test_install_is_idempotent():
    fast_events.install()
    first = events.Event.resolve_by_type
    fast_events.install()
    assert events.Event.resolve_by_type is first


def test_events_round_trip():
    fast_events.install()
    evts = [events.UserUttered("hej", {"name": "greet"}), events.BotUttered("Hej!"), events.SlotSet("location", "Umeå"),
            events.ActionExecuted("action_listen"), events.SessionStarted()]
    again = [events.Event.from_parameters(e.as_dict()) for e in evts]
    assert [type(e) for e in again] == [type(e) for e in evts]
    assert again == evts
