"""The support-service registry: load `content/resources.yml`, validate it, query it by kind and place.

Validation has two steps, each reporting every problem as a message that names the entry and the
field (in Swedish, with English in brackets): the JSON schema `content/schema/resources.schema.json`,
then, once that passes, checks a schema cannot make (unique ids, known place names, real dates).

    registry = load()
    registry.get("kvinnofridslinjen").phone            -> "020-50 50 50"
    registry.near(places.find_place("Solna"), "kast")  -> Nearby(serving=[], in_county=[KAST Stockholm])
"""

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

import yaml
from jsonschema import Draft7Validator

from bot.domain import places
from bot.domain.yaml_text import ContentFileError, TextDatesLoader, entry_label, explain
from bot.paths import CONTENT

REGISTRY_FILE = CONTENT / "resources.yml"
SCHEMA_FILE = CONTENT / "schema" / "resources.schema.json"


class RegistryError(ContentFileError):
    """The registry file is invalid; `.errors` lists every problem found."""


@dataclass(frozen=True)
class Resource:
    """One support service, as written in resources.yml (contact fields flattened)."""

    id: str
    name: str
    kinds: Tuple[str, ...]
    for_whom: str
    source: str
    verified: str
    provider: str = ""
    phone: str = ""
    email: str = ""
    web: str = ""
    chat: str = ""
    hours: str = ""
    national: bool = False
    municipalities: Tuple[str, ...] = ()
    counties: Tuple[str, ...] = ()
    location: str = ""  # municipality where it is
    county: str = ""  # county of `location`
    free: Optional[bool] = None
    anonymous: Optional[bool] = None
    age: str = ""
    note: str = ""

    @classmethod
    def from_entry(cls, e: Dict[str, Any]) -> "Resource":
        contact, area = e.get("contact") or {}, e["area"]
        location = places.get(e.get("location", ""))
        return cls(
            id=e["id"],
            name=e["name"],
            kinds=tuple(e["kinds"]),
            for_whom=e["for"],
            source=e["source"],
            verified=e["verified"],
            provider=e.get("provider", ""),
            national=area.get("national", False),
            municipalities=tuple(area.get("municipalities", ())),
            counties=tuple(area.get("counties", ())),
            location=e.get("location", ""),
            county=location.county if location else "",
            free=e.get("free"),
            anonymous=e.get("anonymous"),
            age=e.get("age", ""),
            note=e.get("note", ""),
            **{k: str(contact.get(k, "")) for k in ("phone", "email", "web", "chat", "hours")},
        )

    def serves(self, place: places.Place) -> bool:
        """True if the registry says this service takes people from `place`."""
        if self.national:
            return True
        if place.kind == "län":
            return place.name in self.counties
        return place.name in self.municipalities or place.county in self.counties


class Nearby(NamedTuple):
    serving: List[Resource]  # take people from the place
    in_county: List[Resource]  # elsewhere in the same county; access may depend on agreements


class Registry:
    """The validated services, in file order."""

    def __init__(self, resources: Sequence[Resource]):
        self.resources = list(resources)
        self._by_id = {r.id: r for r in self.resources}

    def get(self, resource_id: str) -> Resource:
        return self._by_id[resource_id]

    def of_kind(self, kind: str) -> List[Resource]:
        return [r for r in self.resources if kind in r.kinds]

    def near(self, place: places.Place, kind: str) -> Nearby:
        """Local (non-national) services of `kind` for `place`: those serving it, else those in its county."""
        local = [r for r in self.of_kind(kind) if not r.national]
        serving = [r for r in local if r.serves(place)]
        in_county = [] if serving else [r for r in local if r.county == place.county]
        return Nearby(serving, in_county)


def validate(data: Any) -> List[str]:
    """Every problem in the parsed registry, as messages naming entry and field; [] if valid."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    errors = [explain(err, data, "resources", "post") for err in Draft7Validator(schema).iter_errors(data)]
    if errors:
        return sorted(errors)
    seen = set()
    for n, entry in enumerate(data["resources"], 1):
        where = entry_label(data, ["resources", n - 1], "resources", "post")
        if entry["id"] in seen:
            errors.append(f"{where}, fält 'id': '{entry['id']}' finns redan (duplicate id)")
        seen.add(entry["id"])
        names = [("area.municipalities", m, "kommun") for m in entry["area"].get("municipalities", ())]
        names += [("area.counties", c, "län") for c in entry["area"].get("counties", ())]
        if "location" in entry:
            names.append(("location", entry["location"], "kommun"))
        for field, name, kind in names:
            place = places.get(name)
            if not place or place.kind != kind:
                errors.append(
                    f"{where}, fält '{field}': '{name}' är inget {kind}namn i kommuner.tsv "
                    f"(not a known {'municipality' if kind == 'kommun' else 'county'})"
                )
        if entry["area"].get("national") and len(entry["area"]) > 1:
            errors.append(
                f"{where}, fält 'area': national: true kan inte kombineras med kommuner/län "
                "(national cannot be combined with municipalities/counties)"
            )
        try:
            if dt.date.fromisoformat(entry["verified"]) > dt.date.today():
                errors.append(f"{where}, fält 'verified': datumet ligger i framtiden (date is in the future)")
        except ValueError:
            errors.append(f"{where}, fält 'verified': '{entry['verified']}' är inget giltigt datum (not a valid date)")
    return errors


def parse(text: str, path: Path = REGISTRY_FILE) -> Registry:
    """Validate YAML text and build the registry; raises RegistryError listing every problem."""
    try:
        data = yaml.load(text, Loader=TextDatesLoader)
    except yaml.YAMLError as err:
        raise RegistryError(path, [f"YAML-fel (YAML syntax error): {err}"]) from err
    errors = validate(data)
    if errors:
        raise RegistryError(path, errors)
    return Registry([Resource.from_entry(e) for e in data["resources"]])


@lru_cache(maxsize=1)
def load(path: Path = REGISTRY_FILE) -> Registry:
    """The project's registry (read and validated once per process)."""
    return parse(path.read_text(encoding="utf-8"), path)
