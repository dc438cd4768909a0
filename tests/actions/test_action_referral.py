"""action_referral: KAST for the user's place, asking where, declining, unknown and misspelt places."""

import pytest
from trackers import run, tracker  # noqa: F401  (pytest fixtures)

from actions.referral import ActionReferral
from bot.domain import contract, places

pytestmark = pytest.mark.asyncio
ACTION = ActionReferral()
KAST_BUTTONS = [
    {"title": "Är det anonymt?", "payload": "/faq/kast_anonymous"},
    {"title": "Hur går det till?", "payload": "/faq/kast_how"},
]


async def test_name():
    assert ACTION.name() == "action_referral"


@pytest.mark.parametrize("intent", ["want_to_stop_buying", "find_kast"])
async def test_asks_where_when_place_unknown(run, tracker, intent):
    result = await run(ACTION, tracker("jag vill sluta köpa sex", intent))
    assert "KAST" in result.text
    assert "kommun" in result.text and '”nej”' in result.text  # may decline
    assert result.slot("awaiting_location") is True


@pytest.mark.parametrize("intent", ["want_to_stop_buying", "find_kast"])
async def test_malmo_gets_evonhuset(run, tracker, intent):
    result = await run(ACTION, tracker("jag bor i Malmö", intent, entities=[("location", "Malmö")]))
    assert "Evonhuset" in result.text and "020-35 40 40" in result.text
    assert not contract.missing_facts(intent, result.text)
    assert result.buttons == KAST_BUTTONS
    assert result.slot("location") == "Malmö"
    assert result.slot("awaiting_location") is False


async def test_uses_location_slot(run, tracker):
    result = await run(ACTION, tracker("hur når jag kast", "find_kast", slots={"location": "Göteborg"}))
    assert "KAST Göteborg" in result.text
    assert result.slot("location") == "Göteborg"


async def test_slot_is_normalised_again(run, tracker):
    result = await run(ACTION, tracker("finns kast", "find_kast", slots={"location": "umea"}))
    assert "KAST Umeå" in result.text and result.slot("location") == "Umeå"


async def test_entity_wins_over_old_slot(run, tracker):
    t = tracker("jag bor i Luleå", "inform_location", entities=[("location", "Luleå")], slots={"location": "Göteborg"})
    result = await run(ACTION, t)
    assert "KAST Luleå" in result.text and result.slot("location") == "Luleå"


async def test_place_in_text_without_entity(run, tracker):
    result = await run(ACTION, tracker("jag vill sluta köpa sex, jag bor i Skelleftea", "want_to_stop_buying"))
    assert "KAST Skellefteå" in result.text


async def test_answer_to_the_question(run, tracker):
    t = tracker("Götebrog", "inform_location", slots={"awaiting_location": True})
    result = await run(ACTION, t)
    assert "KAST Göteborg" in result.text
    assert result.slot("location") == "Göteborg" and result.slot("awaiting_location") is False


@pytest.mark.parametrize(
    "value,expected",
    [
        ("goteborg", "KAST Göteborg"),
        ("Jönkoping", "KAST Jönköpings län"),
        ("Umea", "KAST Umeå"),
        ("Västerås", "KAST Västerås"),
    ],
)
async def test_misspelt_entity(run, tracker, value, expected):
    result = await run(ACTION, tracker(f"i {value}", "inform_location", entities=[("location", value)]))
    assert expected in result.text


async def test_declined_gives_national_options(run, tracker):
    result = await run(ACTION, tracker("nej", "deny", slots={"awaiting_location": True}))
    assert "KAST" in result.text and "Evonhuset" in result.text and "020-35 40 40" in result.text
    assert "socialtjänsten" in result.text.lower() and "Preventell" in result.text
    assert result.buttons == KAST_BUTTONS
    assert result.slot("awaiting_location") is False
    assert not contract.unknown_numbers(result.text)


async def test_unknown_place_asks_again(run, tracker):
    t = tracker(
        "jag bor i Narnia",
        "inform_location",
        entities=[("location", "Narnia")],
        slots={"location": "Göteborg", "awaiting_location": True},
    )
    result = await run(ACTION, t)
    assert "hittar ingen" in result.text and '”nej”' in result.text
    assert result.slot("location") is None and result.slot("awaiting_location") is True


async def test_unknown_answer_without_entity(run, tracker):
    t = tracker("blablabla", "inform_location", slots={"awaiting_location": True})
    result = await run(ACTION, t)
    assert "hittar ingen" in result.text and result.slot("awaiting_location") is True


async def test_county_without_kast_is_honest(run, tracker):
    result = await run(ACTION, tracker("Kalmar", "find_kast", entities=[("location", "Kalmar")]))
    assert "ingen KAST-mottagning i Kalmar län" in result.text
    assert "socialtjänsten i Kalmar" in result.text
    assert not contract.unknown_numbers(result.text)


async def test_other_municipality_in_county_mentions_agreement(run, tracker):
    result = await run(ACTION, tracker("Solna", "find_kast", entities=[("location", "Solna")]))
    assert "KAST Stockholm" in result.text and "avtal" in result.text


@pytest.mark.parametrize(
    "county",
    sorted(
        {
            "Stockholms län",
            "Västra Götalands län",
            "Västmanlands län",
            "Västerbottens län",
            "Värmlands län",
            "Jämtlands län",
            "Norrbottens län",
            "Jönköpings län",
            "Västernorrlands län",
            "Skåne län",
        }
    ),
)
async def test_every_county_with_kast(run, tracker, county):
    result = await run(ACTION, tracker(county, "inform_location", entities=[("location", county)]))
    assert "ingen KAST-mottagning" not in result.text
    assert "KAST" in result.text or "Evonhuset" in result.text
    assert result.slot("location") == county
    # and a municipality of that county that has no reception of its own
    others = [p for p in places.municipalities() if p.county == county]
    result = await run(ACTION, tracker(others[0].name, "find_kast", entities=[("location", others[0].name)]))
    assert "ingen KAST-mottagning" not in result.text


async def test_seller_side_gets_mika_after_inform_location(run, tracker):
    t = tracker("Göteborg", "inform_location", entities=[("location", "Göteborg")], slots={"situation": "sells_sex"})
    result = await run(ACTION, t)
    assert "Mikamottagningen Göteborg" in result.text and "KAST" not in result.text


async def test_buyer_intent_ignores_seller_slot(run, tracker):
    t = tracker(
        "jag vill sluta köpa sex", "want_to_stop_buying", slots={"situation": "sells_sex", "location": "Göteborg"}
    )
    result = await run(ACTION, t)
    assert "KAST Göteborg" in result.text


async def test_unclear_answer_to_the_place_question_is_read_as_a_place(run, tracker):
    result = await run(ACTION, tracker("vasteraas", "nlu_fallback", slots={"awaiting_location": True}))
    assert "Västerås" in result.text
    assert result.slot("awaiting_location") is False


async def test_unclear_answer_that_is_no_place_asks_again(run, tracker):
    result = await run(ACTION, tracker("blorf", "nlu_fallback", slots={"awaiting_location": True}))
    assert result.slot("awaiting_location") is True
