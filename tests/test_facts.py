"""The fact registry content/facts.yml and the claims found in a text (bot.domain.facts). No model."""

import pytest
from conftest import ROOT

from bot.domain import facts


def test_registry_is_valid_and_ids_unique():
    registry = facts.load(ROOT)
    assert not registry.problems, registry.problems
    ids = [f["id"] for f in registry.facts]
    assert len(ids) == len(set(ids)) >= 15


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Ring 020-50 50 50 eller 112.", [("020-50 50 50", "phone"), ("112", "phone")]),
        ("Sedan 1 januari 1999.", [("1", "number"), ("1999", "number")]),
        ("9,5 procent av männen 16–84 år", [("9,5 procent", "number"), ("16–84", "number")]),
        ("rapport 2022:12, 24/7", [("2022:12", "number"), ("24/7", "number")]),
        (
            "högst fyra år, nio av tio, var femte",
            [("fyra", "word"), ("nio", "word"), ("tio", "word"), ("var femte", "word")],
        ),
        ("Källa: [NCK](https://nck.uu.se/a/b/).", [("https://nck.uu.se/a/b/", "url")]),
        ("chatt på pegasus.se eller ecpat.se/hotline.", [("pegasus.se", "url"), ("ecpat.se/hotline", "url")]),
        ("mejla evonhuset@malmo.se.", [("evonhuset@malmo.se", "email")]),
        ("I {place} finns {name}.", []),
        ("Att köpa sex är ett brott, t.ex. via webbkamera.", []),  # "sex" is not a number here
    ],
)
def test_claims(text, expected):
    assert [(c.text, c.kind) for c in facts.claims(text)] == expected


def test_a_value_backs_a_claim_only_where_it_stands():
    known = ["högst fyra år", "020-50 50 50", "https://www.nck.uu.se/a/"]
    assert facts.unbacked("fängelse i högst fyra år", known) == []
    assert [c.text for c in facts.unbacked("fyra av fem", known)] == ["fyra", "fem"]
    assert facts.unbacked("ring 020-50 50 50", known) == []
    assert facts.unbacked("Källa: http://nck.uu.se/a", known) == []
    assert [c.text for c in facts.unbacked("ring 020-12 34 56", known)] == ["020-12 34 56"]


def test_every_registry_number_is_in_the_fact_sheet():
    from bot.domain import contract

    sheet = facts.numbers_in(contract.facts(ROOT) + contract.sources(ROOT))
    for f in facts.load(ROOT).facts:
        if f["source"].startswith("http"):
            assert facts.numbers_in(" ".join(f["values"])) <= sheet, f["id"]
