"""The support-service registry: content/resources.yml, its schema, its facts and sources."""

import datetime as dt
import re
from pathlib import Path

import pytest

from bot.domain import contract, places, resources

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = resources.load()
PHONE_LIKE = contract.PHONE


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_registry_loads_and_ids_are_unique():
    ids = [r.id for r in REGISTRY.resources]
    assert len(ids) == len(set(ids)) >= 20


@pytest.mark.parametrize("resource", REGISTRY.resources, ids=lambda r: r.id)
def test_every_resource_has_source_and_verified_date(resource):
    assert resource.source.startswith(("https://", "http://"))
    assert dt.date.fromisoformat(resource.verified) <= dt.date.today()
    assert resource.kinds and resource.for_whom


@pytest.mark.parametrize("resource", REGISTRY.resources, ids=lambda r: r.id)
def test_every_contact_is_in_the_fact_sheet(resource):
    facts = contract.facts()
    for value in (resource.phone, resource.email, resource.web):
        assert not value or value in facts, f"{resource.id}: {value} står inte i FACTS.md"


def test_every_number_in_messages_is_a_sourced_registry_number():
    text = (ROOT / "content" / "messages.yml").read_text(encoding="utf-8")
    registry_numbers = {_digits(r.phone) for r in REGISTRY.resources if r.phone}
    found = PHONE_LIKE.findall(text)
    assert found  # the check is alive
    for number in found:
        assert _digits(number) in registry_numbers, number
    assert not contract.unknown_numbers(text)
    for address in re.findall(r"[\w.-]+@[\w.-]+|\b[a-z0-9-]+\.se(?:/[\w/-]*)?", text):
        assert address in contract.facts(), address


def test_every_kast_the_fact_sheet_names():
    kast = REGISTRY.of_kind("kast")
    where = {(r.location, r.counties) for r in kast}
    for town in ("Stockholm", "Göteborg", "Västerås", "Umeå", "Karlstad", "Luleå", "Skellefteå", "Malmö"):
        assert any(loc == town for loc, _ in where), town
    assert ("Östersund", ("Jämtlands län",)) in where
    assert ("Jönköping", ("Jönköpings län",)) in where
    assert ("Sundsvall", ("Västernorrlands län",)) in where
    evon = REGISTRY.get("evonhuset")
    assert (evon.phone, evon.email) == ("020-35 40 40", "evonhuset@malmo.se")
    assert [r.phone for r in kast if r.phone] == ["020-35 40 40"]  # no other KAST number is verified


def test_mika_and_national_lines():
    mika = {r.location for r in REGISTRY.of_kind("victim_support") if r.name.startswith("Mika")}
    assert {"Stockholm", "Göteborg", "Borås", "Umeå"} <= mika
    numbers = {r.id: r.phone for r in REGISTRY.resources}
    assert numbers["emergency_112"] == "112" and numbers["police_11414"] == "114 14"
    assert numbers["kvinnofridslinjen"] == "020-50 50 50" and numbers["stodlinjen_man"] == "020-80 80 80"
    assert numbers["sjalvmordslinjen"] == "90101" and numbers["bris"] == "116 111"
    assert numbers["vardguiden_1177"] == "1177" and numbers["jamy_stodtelefon"] == "020-390 000"
    assert REGISTRY.get("ecpat_hotline").web == "ecpat.se/hotline"
    assert REGISTRY.get("pegasus").national
    assert not REGISTRY.get("preventell").phone  # number not verified


def test_area_names_are_gazetteer_names():
    for r in REGISTRY.resources:
        for name in r.municipalities + ((r.location,) if r.location else ()):
            assert places.get(name).kind == "kommun"
        for name in r.counties:
            assert places.get(name).kind == "län"


@pytest.mark.parametrize(
    "town,serving,in_county",
    [
        ("Malmö", ["evonhuset"], []),
        ("Lund", [], ["evonhuset"]),
        ("Solna", [], ["kast_stockholm"]),
        ("Huskvarna", ["kast_jonkoping"], []),
        ("Ånge", ["kast_vasternorrland"], []),
        ("Krokom", ["kast_ostersund"], []),
        ("Lycksele", [], ["kast_umea", "kast_skelleftea"]),
        ("Kalmar", [], []),
        ("Gotland", [], []),
    ],
)
def test_near(town, serving, in_county):
    near = REGISTRY.near(places.find_place(town), "kast")
    assert ([r.id for r in near.serving], [r.id for r in near.in_county]) == (serving, in_county)


# ---- schema errors name the entry and the field ----
GOOD = """
resources:
  - id: test_line
    name: Testlinjen
    kinds: [national_line]
    for: Alla
    contact: {phone: 020-50 50 50}
    area: {national: true}
    source: https://example.org/sida
    verified: 2026-01-01
"""


def _errors(text: str) -> str:
    with pytest.raises(resources.RegistryError) as info:
        resources.parse(text)
    return str(info.value)


def test_good_entry_parses():
    assert resources.parse(GOOD).get("test_line").phone == "020-50 50 50"


@pytest.mark.parametrize(
    "old,new,expected",
    [
        ("    source: https://example.org/sida\n", "", ["post 1 (id: test_line)", "'source'", "saknar"]),
        ("    verified: 2026-01-01\n", "", ["post 1 (id: test_line)", "'verified'", "missing required field"]),
        ("020-50 50 50", "020-ABC", ["fält 'contact.phone'", "fel format", "digits"]),
        ("[national_line]", "[hotline]", ["fält 'kinds.0'", "ogiltigt värde 'hotline'", "kast"]),
        ("https://example.org/sida", "example.org", ["fält 'source'", "https://"]),
        ("2026-01-01", "1.1.2026", ["fält 'verified'", "ÅÅÅÅ-MM-DD"]),
        ("2026-01-01", "2026-13-01", ["fält 'verified'", "inget giltigt datum"]),
        ("2026-01-01", "2999-01-01", ["fält 'verified'", "framtiden"]),
        ("    for: Alla\n", "    for: Alla\n    fore: x\n", ["okänt fält 'fore'", "unknown field"]),
        ("{national: true}", "{municipalities: [Götebrog]}", ["area.municipalities", "'Götebrog'", "kommuner.tsv"]),
        ("{national: true}", "{counties: [Skåne]}", ["area.counties", "'Skåne'"]),
        ("{national: true}", "{national: true, counties: [Skåne län]}", ["fält 'area'", "national"]),
        ("{national: true}", "{}", ["fält 'area'", "tomt"]),
        ("id: test_line", "id: Test Line", ["fält 'id'", "små bokstäver"]),
        ("{phone: 020-50 50 50}", "{phone: 112}", ["contact.phone", "citattecken"]),
    ],
)
def test_schema_errors_are_clear(old, new, expected):
    assert old in GOOD
    message = _errors(GOOD.replace(old, new))
    for part in expected:
        assert part in message, (part, message)


def test_duplicate_id_and_yaml_syntax():
    entry = GOOD.split("resources:\n")[1]
    assert "finns redan" in _errors(GOOD + entry)
    assert "YAML" in _errors("resources: [\n")
