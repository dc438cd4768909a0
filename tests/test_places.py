"""The place gazetteer (bot.domain.places) and text folding (bot.domain.text)."""

import csv
from pathlib import Path

import pytest

from bench import places_bench
from bot.domain import places
from bot.domain.text import fold, normalize

PLACES_DIR = Path(__file__).resolve().parent.parent / "content" / "places"


def test_fold():
    assert fold("Jönköpings län!") == "jonkopings lan"
    assert fold("  Malung-Sälen, Café ") == "malung salen cafe"
    assert fold("Gøteborg") == "goteborg"
    assert normalize("Håbo?") == "håbo"
    for text in ("Upplands-Bro är fint, eller hur?", "Örnsköldsvik—Umeå"):
        assert len(fold(text).split()) == len(normalize(text).split())


def test_data_file_has_all_290_municipalities_and_21_counties():
    with (PLACES_DIR / "kommuner.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    assert list(rows[0]) == ["kod", "kommun", "län"]
    assert len(rows) == 290 == len(places.municipalities())
    assert len(places.counties()) == 21


def test_every_municipality_found_by_its_name():
    for place in places.municipalities():
        assert places.find_place(place.name) == place
        assert places.find_places_in_text(f"jag bor i {place.name}") == [place]


@pytest.mark.parametrize(
    "text,name,kind",
    [
        ("i göteborg", "Göteborg", "kommun"),
        ("goteborg", "Göteborg", "kommun"),
        ("Götebrog", "Göteborg", "kommun"),
        ("GÖTEBORG", "Göteborg", "kommun"),
        ("Göteborgs stad", "Göteborg", "kommun"),
        ("Gbg", "Göteborg", "kommun"),
        ("göteborgare", "Göteborg", "kommun"),
        ("från Malmö", "Malmö", "kommun"),
        ("malmöbo", "Malmö", "kommun"),
        ("Umea", "Umeå", "kommun"),
        ("Sthlm", "Stockholm", "kommun"),
        ("Stockholms stad", "Stockholm", "kommun"),
        ("Region Gotland", "Gotland", "kommun"),
        ("Visby", "Gotland", "kommun"),
        ("Huskvarna", "Jönköping", "kommun"),
        ("Sundsvall", "Sundsvall", "kommun"),
        ("Norrköping", "Norrköping", "kommun"),
        ("norrkoping", "Norrköping", "kommun"),
        ("Upplands vasbi", "Upplands Väsby", "kommun"),
        ("Malung", "Malung-Sälen", "kommun"),
        ("Håbo", "Håbo", "kommun"),
        ("Habo", "Habo", "kommun"),
        ("Umeå kommun", "Umeå", "kommun"),
        ("Jönköpings län", "Jönköpings län", "län"),
        ("jönköping län", "Jönköpings län", "län"),
        ("jonkopings lan", "Jönköpings län", "län"),
        ("Region Jönköpings län", "Jönköpings län", "län"),
        ("Västerbotten", "Västerbottens län", "län"),
        ("Skåne", "Skåne län", "län"),
        ("Region Skåne", "Skåne län", "län"),
        ("Västra Götaland", "Västra Götalands län", "län"),
        ("Sörmland", "Södermanlands län", "län"),
        ("Stockholms län", "Stockholms län", "län"),
    ],
)
def test_find_place(text, name, kind):
    place = places.find_place(text)
    assert place is not None and (place.name, place.kind) == (name, kind)


@pytest.mark.parametrize("county", places.counties())
def test_every_county_in_several_forms(county):
    stem = county[: -len(" län")].rstrip("s")
    for form in (county, county.lower(), fold(county), f"{stem} län", f"Region {county}"):
        place = places.find_place(form)
        assert place is not None and place.county == county, form


@pytest.mark.parametrize("text", ["Narnia", "Sverige", "Oslo", "", "   ", "nej", "vet inte", "ﷺ", "Привет"])
def test_unknown_place(text):
    assert places.find_place(text) is None


@pytest.mark.parametrize(
    "text,names",
    [
        ("jag bor i götebrog nu", ["Göteborg"]),
        ("jag kommer från Jönköping men bor i Huskvarna", ["Jönköping"]),
        ("kan jag gå till kast i Stockholm fast jag bor i Södertälje", ["Stockholm", "Södertälje"]),
        ("jag bor i Vara", ["Vara"]),
        ("Mora", ["Mora"]),
        ("finns kast i sala?", ["Sala"]),
        ("vilken kast ska jag kontakta i jonkopings lan", ["Jönköpings län"]),
    ],
)
def test_places_in_text(text, names):
    assert [p.name for p in places.find_places_in_text(text)] == names


@pytest.mark.parametrize(
    "text",
    [
        "kan jag vara anonym",
        "vara anonym",
        "min vän Nora säljer sex",
        "jag har börjat skära mig igen",
        "vad händer på första samtalet hos kast",
        "jag bor i en bostad",
        "hej",
        "nej tack",
        "ja gärna",
        "jag vill sluta köpa sex",
        "det är ingen mark att stå på",
        "boden är full av skräp",
        "snacka med någon",
        "jag vill inte ange var jag bor",
        "hur går det till",
        "är det gratis",
        "kast i min stad",
    ],
)
def test_no_false_positives_on_everyday_words(text):
    assert places.find_places_in_text(text) == []


def test_benchmark_figures():
    """The figures the issue asks for: ≥ 0.98 without å/ä/ö, ≥ 0.9 with one typo."""
    import random

    truth = list(places.municipalities())
    rng = random.Random(places_bench.SEED)
    plain = [places_bench.unaccented(p.name) for p in truth]
    typos = [places_bench.one_typo(p.name, rng) for p in truth]
    assert places_bench.share(plain, truth, places.find_place) >= 0.98
    assert places_bench.share(plain, truth, places_bench.in_phrase) >= 0.98
    assert places_bench.share(typos, truth, places.find_place) >= 0.9
    assert places_bench.share(typos, truth, places_bench.in_phrase) >= 0.9


def test_alias_file_names_known_places():
    import yaml

    aliases = yaml.safe_load((PLACES_DIR / "aliases.yml").read_text(encoding="utf-8"))
    for name in list(aliases["kommuner"]) + list(aliases["län"]):
        assert places.get(name) is not None, name
    with pytest.raises(ValueError, match="'Umea' är ingen kommun"):
        places.Gazetteer([("Umeå", "Västerbottens län")], {"kommuner": {"Umea": ["x"]}})


def test_every_nlu_synonym_resolves_to_its_canonical_place():
    """data/nlu/location.yml's synonyms and the gazetteer agree (the gazetteer finds the places
    since DIET no longer tags them): "hbg" → Helsingborg, "sälen" → Malung-Sälen, not Salem."""
    from rasa.shared.nlu.training_data.loading import load_data

    synonyms = load_data(str(Path(__file__).resolve().parent.parent / "data" / "nlu" / "location.yml")).entity_synonyms
    assert len(synonyms) > 200
    wrong = {v: c for v, c in synonyms.items() if getattr(places.find_place(v), "name", None) != c}
    assert wrong == {}


def test_islands_take_pa_and_everything_else_i():
    assert places.in_place("Gotland") == "på Gotland"
    assert places.in_place("Solna") == "i Solna"
    assert places.in_place("Skåne län") == "i Skåne län"
    names = {p.name for p in places.municipalities()}
    assert places._pa_places() <= names, "prepositions.yml names a place that is not a municipality"


def test_gotland_referral_says_pa_gotland():
    from bot.domain import referral

    text, _ = referral.local(places.find_place("visby"), "kast")
    assert "på Gotland" in text and "i Gotland " not in text
