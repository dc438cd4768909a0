"""Replies built by bot.domain.referral (and the cues of bot.domain.situation): routing, honesty, length, facts."""

import pytest

from bot.domain import contract, places, referral, resources, situation

KAST_COUNTIES = {r.county for r in resources.load().of_kind("kast")}
MAX_WORDS = 80


def _check(replies):
    """Every message short, with no number the fact sheet lacks; returns the joined text."""
    for reply in replies:
        assert len(reply.text.split()) <= MAX_WORDS, reply.text
        assert not contract.unknown_numbers(reply.text), reply.text
        assert "{" not in reply.text, reply.text
    return "\n".join(r.text for r in replies)


def test_kast_counties_are_the_ten_of_the_fact_sheet():
    assert KAST_COUNTIES == {
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


def test_malmo_gets_evonhuset():
    text = _check(referral.for_place(places.find_place("Malmö")))
    assert "Evonhuset" in text and "020-35 40 40" in text and "KAST" in text
    assert "I Malmö finns Evonhuset" in text


@pytest.mark.parametrize("place", places.municipalities(), ids=lambda p: p.name)
def test_every_municipality(place):
    replies = referral.for_place(place)
    text = _check(replies)
    assert "KAST" in text
    if place.county in KAST_COUNTIES:
        assert "ingen KAST-mottagning" not in text
        assert replies[-1].buttons  # "Är det anonymt?" / "Hur går det till?"
    else:
        assert (
            f"ingen KAST-mottagning i {place.county}" in text
            and f"socialtjänsten {places.in_place(place.name)}" in text
        )
        assert "Preventell" in text


@pytest.mark.parametrize("county", places.counties())
def test_every_county(county):
    text = _check(referral.for_place(places.get(county)))
    assert ("ingen KAST-mottagning" in text) == (county not in KAST_COUNTIES)


@pytest.mark.parametrize(
    "town,expected",
    [
        ("Solna", ["KAST Stockholm", "avtal", "Stockholms stad"]),
        ("Lund", ["Evonhuset i Malmö", "avtal", "020-35 40 40"]),
        ("Lycksele", ["KAST Umeå och KAST Skellefteå", "avtal"]),
        ("Mölndal", ["KAST Göteborg", "avtal"]),
        ("Huskvarna", ["I Jönköping finns KAST Jönköpings län"]),
        ("Ånge", ["KAST Västernorrland i Sundsvall tar emot dig som bor i Ånge", "sekretess"]),
        ("Krokom", ["KAST Jämtland i Östersund tar emot dig som bor i Krokom"]),
        ("Jämtland", ["KAST Jämtland i Östersund tar emot från hela Jämtlands län"]),
        ("Västerbotten", ["I Västerbottens län finns KAST Umeå och KAST Skellefteå", "din kommun"]),
    ],
)
def test_routing_within_county_is_honest(town, expected):
    text = _check(referral.for_place(places.find_place(town)))
    for part in expected:
        assert part in text


def test_unverified_numbers_are_not_invented():
    local = referral.for_place(places.find_place("Göteborg"))[0].text
    assert "inget kontrollerat telefonnummer" in local and not contract.PHONE.findall(local)


def test_national_options():
    replies = referral.national_kast()
    text = _check(replies)
    for town in (
        "Stockholm",
        "Göteborg",
        "Västerås",
        "Umeå",
        "Karlstad",
        "Östersund",
        "Luleå",
        "Skellefteå",
        "Jönköping",
        "Sundsvall",
        "Evonhuset",
        "020-35 40 40",
    ):
        assert town in text
    assert [b["payload"] for b in replies[-1].buttons] == ["/faq/kast_anonymous", "/faq/kast_how"]


@pytest.mark.parametrize("name", situation.SITUATIONS)
@pytest.mark.parametrize("town", [None, "Göteborg", "Borås", "Kalmar", "Malmö", "Sundsvall"])
def test_support(name, town):
    place = places.find_place(town) if town else None
    text = _check(referral.support(name, place))
    if name in situation.SELF_SITUATIONS:
        assert not contract.missing_facts("victim_help", text)
    if name == "relative_of_buyer":
        assert "KAST" in text and "anhöriga" in text
    if name == "trafficking":
        assert "112" in text and "114 14" in text


def test_support_uses_local_mika_or_honest_none():
    assert "Mika Västernorrland" in _check(referral.support("sells_sex", places.find_place("Timrå")))
    text = _check(referral.support("sells_sex", places.find_place("Kalmar")))
    assert "Vi känner inte till någon Mika-mottagning i Kalmar län" in text


def test_clarify_has_four_buttons_and_a_number():
    (reply,) = referral.clarify_situation()
    assert len(reply.buttons) == 4 and "020-50 50 50" in _check([reply])


@pytest.mark.parametrize("child", [False, True])
@pytest.mark.parametrize("acute", [False, True])
@pytest.mark.parametrize("at_work", [False, True])
def test_report(child, acute, at_work):
    text = _check(referral.report(child=child, acute=acute, at_work=at_work))
    assert not contract.missing_facts("report_suspicion", text)
    assert ("ecpat.se/hotline" in text) == child
    assert ("020-390 000" in text) == at_work


def test_handoff():
    text = _check(referral.handoff())
    assert not contract.missing_facts("human_handoff", text) and "inte en människa" in text


def test_every_contract_intent_has_a_label():
    labels = referral.topics()
    missing = [i for i in contract.intent_names() if not labels.get(i)]
    assert not missing
    assert referral.label("faq/law") == "Vad säger sexköpslagen?"


def test_affirmation():
    (reply,) = referral.affirmation(["find_kast"])
    assert reply.text == "Menade du: ”Hitta en KAST-mottagning”?"
    assert reply.buttons[-1] == {"title": "Nej, något annat", "payload": "/out_of_scope"}


@pytest.mark.parametrize(
    "text,intent,expected",
    [
        ("jag säljer sex", "victim_help", "sells_sex"),
        ("jag har sålt sex", "victim_help", "sells_sex"),
        ("jag tvingas", "victim_help", "trafficking"),
        ("de tog mitt pass", "victim_help", "trafficking"),
        ("jag har en skuld till dem", "victim_help", "trafficking"),
        ("jag tvingas sälja sex", "victim_help", "trafficking"),
        ("jag behöver hjälp", "victim_help", None),
        ("min man köper sex", "worried_about_other", "relative_of_buyer"),
        ("min pappa kopte sex", "worried_about_other", "relative_of_buyer"),
        ("min kompis säljer sex", "worried_about_other", "relative_of_seller"),
        ("min vän utnyttjas", "worried_about_other", "relative_of_seller"),
        ("min partner köper och säljer sex", "worried_about_other", None),
        ("jag är orolig för min bror", "worried_about_other", None),
    ],
)
def test_situation_cues(text, intent, expected):
    assert situation.detect(text, intent) == expected


def test_report_cues():
    assert situation.involves_child("en 15-åring") and situation.involves_child("ett barn")
    assert not situation.involves_child("en vuxen kvinna")
    assert situation.is_acute("det pågår just nu") and not situation.is_acute("förra året")
    assert situation.at_work("jag möter det i mitt arbete") and not situation.at_work("min granne")
