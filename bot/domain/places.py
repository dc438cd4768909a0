"""Place gazetteer: find Swedish municipalities (kommuner) and counties (län) in what people type.

Data: `content/places/kommuner.tsv` (all 290 municipalities with their county) and
`content/places/aliases.yml` (other names, towns that are not municipalities, everyday words).

    find_place("i götebrog")                     -> Place("Göteborg", "kommun", "Västra Götalands län")
    find_place("jönköping län")                  -> Place("Jönköpings län", "län", "Jönköpings län")
    find_places_in_text("jag bor i Umea nu")     -> [Place("Umeå", …)]

Matching: exact on `bot.domain.text.normalize` (keeps å/ä/ö, so "Håbo" ≠ "Habo") and then on
`bot.domain.text.fold`; longest word sequence first; genitive and inhabitant forms ("Göteborgs",
"malmöbo", "göteborgare"). One typo is tolerated (rapidfuzz OSA distance; two for names of nine
letters or more) only for names of five letters or more and only where a place is expected: after
"i"/"från"/"nära"…, or in a message that is little more than the name. Names that are also common
words ("vara", "mark", "Nora") need the same context even when spelt right.
"""

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

import yaml
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.domain.text import fold, normalize
from bot.paths import CONTENT

PLACES_DIR = CONTENT / "places"

# Words after which a place name is expected ("i …", "från …"): enough for an exact match.
PREPOSITIONS = frozenset("i fran ifran nara utanfor vid till runt kring pa in from near".split())
# Stronger context, enough for a typo-tolerant match ("i" and "på" alone are not: "på första …").
TYPO_CONTEXT = (
    ("fran",),
    ("ifran",),
    ("nara",),
    ("utanfor",),
    ("bor", "i"),
    ("bor", "pa"),
    ("bodde", "i"),
    ("bott", "i"),
    ("narheten", "av"),
    ("kommer", "fran"),
)
# Words that may stand around a bare answer ("jag bor i Vara", "Vara kommun").
FILLERS = PREPOSITIONS | frozenset("jag vi bor ar det typ kommun kommunen stad staden".split())
INHABITANT_SUFFIXES = ("s", "bo", "bor", "are")  # genitive, "malmöbo(r)", "göteborgare"
MIN_FUZZY_LETTERS = 5
MAX_WORDS = 4  # longest name in words: "region västra götalands län"


@dataclass(frozen=True)
class Place:
    """A municipality or a county, by its canonical name with å/ä/ö."""

    name: str  # "Göteborg", "Jönköpings län"
    kind: str  # "kommun" or "län"
    county: str  # the county; a county's county is itself


class _Entry(NamedTuple):
    spelled: str  # normalize() form of what matched, å/ä/ö kept
    place: Place
    common_word: bool  # needs a place context
    fuzzy: bool  # may be the target of a fuzzy match


class Gazetteer:
    """Index of names → places, with exact and typo-tolerant lookup in free text."""

    def __init__(self, municipalities: Iterable[Tuple[str, str]], aliases: dict):
        self._index: Dict[str, List[_Entry]] = {}
        self.municipalities = [Place(name, "kommun", county) for name, county in municipalities]
        self.counties = sorted({p.county for p in self.municipalities})
        self._by_name = {p.name: p for p in self.municipalities}
        self._by_name.update({c: Place(c, "län", c) for c in self.counties})
        common = {fold(w) for w in aliases.get("vanliga_ord") or ()}

        kommun_names = [(p.name, p) for p in self.municipalities]
        for name, targets in (aliases.get("kommuner") or {}).items():
            kommun_names += [(alias, self._known(name, "kommuner")) for alias in targets]
        for name, place in kommun_names:
            self._add(name, place, fold(name) in common, fuzzy=True)
        for name, place in kommun_names:
            for suffix in INHABITANT_SUFFIXES:
                self._add(name + suffix, place, fold(name) in common, fuzzy=False)
        for county in self.counties:
            for form in _county_forms(county):
                self._add(form, self._by_name[county], False, fuzzy=True)
        for name, targets in (aliases.get("län") or {}).items():
            for alias in targets:
                self._add(alias, self._known(name, "län"), False, fuzzy=True)
        self._fuzzy_keys = [
            key
            for key, entries in self._index.items()
            if entries[0].fuzzy and len(key.replace(" ", "")) >= MIN_FUZZY_LETTERS
        ]

    def get(self, name: str) -> Optional[Place]:
        """The place with exactly this canonical name ("Umeå", "Skåne län"), else None."""
        return self._by_name.get(name)

    def find_all(self, text: str, answer: bool = False) -> List[Place]:
        """Places named in `text`, in order, without repeats. `answer`: the text is meant as a place."""
        spelled = normalize(text).split()
        folded = [fold(word).replace(" ", "") for word in spelled]
        content = [i for i, word in enumerate(folded) if word not in FILLERS]
        used = [False] * len(folded)
        found: List[Tuple[int, Place]] = []
        for fuzzy in (False, True):
            for start in content:
                after_preposition = start > 0 and folded[start - 1] in PREPOSITIONS
                typo_context = any(tuple(folded[max(0, start - len(c)) : start]) == c for c in TYPO_CONTEXT)
                for size in range(min(MAX_WORDS, len(folded) - start), 0, -1):
                    words = slice(start, start + size)
                    if any(used[words]):
                        continue
                    # A place is expected: the text is little more than these words, or they follow "i" …
                    alone = answer or all(start <= i < start + size for i in content)
                    if fuzzy and not (alone or typo_context):
                        continue
                    place = (
                        self._fuzzy(" ".join(folded[words]))
                        if fuzzy
                        else self._exact(" ".join(spelled[words]), " ".join(folded[words]), alone or after_preposition)
                    )
                    if place:
                        used[words] = [True] * size
                        found.append((start, place))
                        break
        unique: Dict[Place, None] = {}
        for _, place in sorted(found, key=lambda f: f[0]):
            unique.setdefault(place)
        return list(unique)

    # ---- internals ----
    def _known(self, name: str, section: str) -> Place:
        if name not in self._by_name:
            raise ValueError(f"aliases.yml, avsnitt '{section}': '{name}' är ingen kommun/inget län i kommuner.tsv")
        return self._by_name[name]

    def _add(self, name: str, place: Place, common_word: bool, fuzzy: bool) -> None:
        entry = _Entry(normalize(name), place, common_word, fuzzy)
        self._index.setdefault(fold(name), []).append(entry)

    def _exact(self, spelled: str, folded: str, expected: bool) -> Optional[Place]:
        # Typed å/ä/ö must be the name's: "skära" is not Skara, "Håbo" is not Habo; "Malmo" is Malmö.
        entries = [e for e in self._index.get(folded, ()) if _same_or_plainer(spelled, e.spelled)]
        if not entries:
            return None
        entry = next((e for e in entries if e.spelled == spelled), entries[0])
        return entry.place if expected or not entry.common_word else None

    def _fuzzy(self, query: str) -> Optional[Place]:
        if len(query.replace(" ", "")) < MIN_FUZZY_LETTERS - 1:
            return None
        hits = process.extract(query, self._fuzzy_keys, scorer=OSA.distance, score_cutoff=2, limit=20)
        hits = [(key, dist) for key, dist, _ in hits if dist <= (1 if len(key) < 9 else 2)]
        if not hits:
            return None
        key, _ = min(hits, key=lambda h: (h[1], -fuzz.ratio(query, h[0])))
        return self._index[key][0].place


def _same_or_plainer(typed: str, name: str) -> bool:
    """True if `typed` is `name` with some diacritics dropped at most."""
    return len(typed) == len(name) and all(t == n or t == fold(n) for t, n in zip(typed, name))


def _county_forms(county: str) -> List[str]:
    """ "Jönköpings län" → Jönköpings län, Jönköping län, Jönköping, Region Jönköping(s län) …"""
    base = county[: -len(" län")]  # "Jönköpings", "Skåne", "Västra Götalands"
    stem = base[:-1] if base.endswith("s") else base
    return [county, f"{stem} län", base, stem, f"Region {stem}", f"Region {county}"]


def _read_tsv(path: Path) -> List[Tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [(row["kommun"], row["län"]) for row in csv.DictReader(f, delimiter="\t")]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The project's gazetteer, built once from content/places/."""
    aliases = yaml.safe_load((PLACES_DIR / "aliases.yml").read_text(encoding="utf-8")) or {}
    return Gazetteer(_read_tsv(PLACES_DIR / "kommuner.tsv"), aliases)


def find_place(text: str) -> Optional[Place]:
    """The first place in a short text that is meant as a place (an entity value, an answer)."""
    places = gazetteer().find_all(text or "", answer=True)
    return places[0] if places else None


def find_places_in_text(text: str) -> List[Place]:
    """All places named in a whole message, careful with names that are also everyday words."""
    return gazetteer().find_all(text or "")


def bare_place(text: str) -> Optional[Place]:
    """The place when a message is nothing but a place ("Skövde", "jag bor i umea"), else None."""
    content = [w for w in fold(text or "").split() if w not in FILLERS]
    if not content or len(content) > MAX_WORDS:
        return None
    place = find_place(" ".join(content))
    if place and len(content) <= len(fold(place.name).split()):
        return place
    return None


def municipalities() -> Sequence[Place]:
    return gazetteer().municipalities


def counties() -> Sequence[str]:
    return gazetteer().counties


def get(name: str) -> Optional[Place]:
    """The place with exactly this canonical name, or None."""
    return gazetteer().get(name)


@lru_cache(maxsize=1)
def _pa_places() -> frozenset:
    data = yaml.safe_load((PLACES_DIR / "prepositions.yml").read_text(encoding="utf-8")) or {}
    return frozenset(data.get("pa") or [])


def in_place(name: str) -> str:
    """`name` with its Swedish preposition: "på Gotland", "i Solna", "i Skåne län", "i din kommun"."""
    return f"{'på' if name in _pa_places() else 'i'} {name}"
