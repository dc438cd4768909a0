"""action_human_handoff: the chat is automated; services where people answer."""

import pytest
from trackers import run, tracker  # noqa: F401  (pytest fixtures)

from actions.handoff import ActionHumanHandoff
from bot.domain import contract

pytestmark = pytest.mark.asyncio


async def test_says_automated_and_offers_people(run, tracker):
    action = ActionHumanHandoff()
    assert action.name() == "action_human_handoff"
    result = await run(action, tracker("kan jag prata med en människa", "human_handoff"))
    assert "chattbot" in result.text and "inte en människa" in result.text
    assert not contract.missing_facts("human_handoff", result.text)
    assert not contract.missing_facts("bot_challenge", result.text)
    assert not contract.unknown_numbers(result.text)
