"""bot.rasa_plugins.remote_action: a failing action server gets the national lines, not silence (always
on), and the action server's answers are validated as Rasa validates them (faster with the speed-ups)."""

import asyncio

import pytest
from rasa.core.actions import action as rasa_action
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_plugins.remote_action import FALLBACK_NAME, ResilientRemoteAction


def _action():
    return ResilientRemoteAction("action_referral", EndpointConfig("http://127.0.0.1:9/webhook"))


def test_failed_custom_action_answers_with_national_lines():
    """A custom action whose server is down utters the fallback response."""
    from rasa.core.channels import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load("domain.yml")
    tracker = DialogueStateTracker("t", domain.slots)
    action = _action()

    async def run_and_close():
        try:
            return await action.run(
                CollectingOutputChannel(), TemplatedNaturalLanguageGenerator(domain.responses), tracker, domain
            )
        finally:
            if hasattr(action.action_endpoint, "close"):  # the kept-alive session (speed-ups on)
                await action.action_endpoint.close()

    events = asyncio.run(run_and_close())
    assert len(events) == 1 and "112" in events[0].text
    assert "020-50 50 50" in events[0].text
    assert events[0].metadata["fallback"] == FALLBACK_NAME


@pytest.mark.parametrize(
    "result",
    [
        {"events": [{"event": "slot", "name": "location", "value": "Umeå"}], "responses": [{"text": "hej"}]},
        {"events": [], "responses": []},
        {"events": [{"event": "bot", "text": "x", "data": {}}]},
        {"events": [{"event": "no_such_event"}], "responses": []},
        {"events": "not a list"},
        {"responses": ["not an object"]},
        [],
    ],
)
def test_action_answers_are_validated_as_rasa_does(result, monkeypatch):
    """The validator made once (speed-ups on) accepts and rejects exactly what Rasa's does (BOT_SPEEDUPS=0)."""
    from jsonschema import ValidationError

    ours = _action()
    outcomes = []
    for switch in ("1", "0"):
        monkeypatch.setenv("BOT_SPEEDUPS", switch)
        try:
            outcomes.append(ours._validate_action_result(result))
        except ValidationError as error:
            outcomes.append(error.message)
    assert outcomes[0] == outcomes[1]
    valid = (
        result
        and isinstance(result, dict)
        and result.get("events") != "not a list"
        and result.get("responses") != ["not an object"]
        and "no_such_event" not in str(result)
    )
    assert (outcomes[0] is True) == bool(valid), outcomes[0]
    if outcomes[0] is not True:
        assert "Failed to validate Action server response" in outcomes[0]


def test_the_safety_net_stays_on_with_the_speed_ups_off(monkeypatch):
    from bot import rasa_main

    monkeypatch.setattr(rasa_action, "RemoteAction", rasa_action.RemoteAction)  # put back after the test
    monkeypatch.setenv("BOT_SPEEDUPS", "0")
    rasa_main.install()
    assert rasa_action.RemoteAction is ResilientRemoteAction
