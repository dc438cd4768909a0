"""action_report_suspicion: 114 14 and 112 always, ECPAT for children, the agency line at work."""

import pytest
from trackers import run, tracker  # noqa: F401  (pytest fixtures)

from actions.report import ActionReportSuspicion
from bot.domain import contract

pytestmark = pytest.mark.asyncio
ACTION = ActionReportSuspicion()


async def test_name():
    assert ACTION.name() == "action_report_suspicion"


@pytest.mark.parametrize(
    "text",
    [
        "jag vill anmäla ett sexköp",
        "hur tipsar jag om människohandel",
        "det pågår just nu i lägenheten bredvid",
        "jag tror en 15-åring säljs",
        "en klient berättade om tvång, jag möter det i mitt arbete",
    ],
)
async def test_always_114_14_and_112(run, tracker, text):
    result = await run(ACTION, tracker(text, "report_suspicion"))
    assert not contract.missing_facts("report_suspicion", result.text)
    assert not contract.unknown_numbers(result.text)


async def test_child_gets_ecpat(run, tracker):
    result = await run(ACTION, tracker("en vuxen köper sex av ett barn", "report_suspicion"))
    assert "ecpat.se/hotline" in result.text


async def test_adult_case_has_no_ecpat(run, tracker):
    result = await run(ACTION, tracker("jag misstänker en bordell", "report_suspicion"))
    assert "ECPAT" not in result.text and "020-390 000" not in result.text


async def test_acute_puts_112_first(run, tracker):
    result = await run(ACTION, tracker("det pågår just nu", "report_suspicion"))
    assert result.text.index("112") < result.text.index("114 14")


async def test_professional_gets_agency_line(run, tracker):
    result = await run(ACTION, tracker("jag möter det i mitt arbete som socialsekreterare", "report_suspicion"))
    assert "020-390 000" in result.text
