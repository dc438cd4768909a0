"""The fact registry `content/facts.yml`, and the claims a text makes: numbers, dates, URLs.

    registry = facts.load(root)                    # Registry(facts, problems)
    facts.claims("Ring 020-50 50 50 sedan 1999")   # [Claim("020-50 50 50", "phone"), Claim("1999", "number")]
    facts.unbacked(text, known)                    # the claims of `text` that no known value backs

A claim is backed when `known` (the registry's values and URLs, and the contacts of sourced support
services) has a value that stands in the text and contains the claim: "fyra" in "högst fyra år" is
backed by the value "högst fyra år". Phone numbers are compared by their digits, addresses without
https:// and www.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, List, NamedTuple, Optional, Sequence, Set

import yaml

from bot.domain import contract

URL = re.compile(r"https?://[^\s\"'”»<>]+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
DOMAIN = re.compile(
    r"(?<![\w@.-])(?:[a-z0-9-]+\.)+(?:se|nu|com|org|eu|net|info|gov|uk|no|dk|fi)"
    r"(?:/[\w/%.?=&-]*)?(?![\w@])",
    re.IGNORECASE,
)
NUMBER = re.compile(r"(?<![\w])\d+(?:[,.:/–-]\d+)*(?:\s?(?:%|procent\b))?")
NUMBER_WORD = re.compile(
    r"\b(?:två|tre|fyra|fem|sju|åtta|nio|tio|elva|tolv|tretton|fjorton|femton|sexton|sjutton|arton"
    r"|nitton|tjugo|trettio|fyrtio|femtio|sextio|sjuttio|åttio|nittio|hundra|tusen|miljon(?:er)?"
    r"|hälften|(?:tredje|fjärde|femte)del(?:ar|en)?"
    r"|var (?:tredje|fjärde|femte|sjätte|sjunde|åttonde|nionde|tionde))\b",
    re.IGNORECASE,
)
PLACEHOLDER = re.compile(r"\{\w*\}")
TRAILING = ".,;:!?)"


class Claim(NamedTuple):
    text: str  # as written in the answer
    kind: str  # "url", "email", "phone", "number" or "word"


@dataclass
class Registry:
    facts: List[dict] = field(default_factory=list)
    problems: List[str] = field(default_factory=list)  # Swedish messages, "post 3 (id: …), fält 'x': …"

    def values(self) -> List[str]:
        return [str(v) for f in self.facts for v in f.get("values") or []]

    def urls(self) -> List[str]:
        return [u for f in self.facts for u in [f.get("source"), *(f.get("other_sources") or [])] if u]


class _TextDates(yaml.SafeLoader):
    """Keeps 2026-12-02 as text: the schema checks the format, a bad date gets a clear message."""


_TextDates.add_constructor("tag:yaml.org,2002:timestamp", _TextDates.construct_yaml_str)


def _where(data: Any, index: int) -> str:
    entry = data["facts"][index]
    ident = entry.get("id") if isinstance(entry, dict) else None
    return f"post {index + 1}" + (f" (id: {ident})" if ident else "")


def validate(data: Any, root: Path = contract.ROOT, today: Optional[dt.date] = None) -> List[str]:
    """Every problem in the parsed registry, as Swedish messages naming entry and field; [] if valid."""
    from jsonschema import Draft7Validator

    schema = json.loads((Path(root) / contract.REGISTRY_SCHEMA).read_text(encoding="utf-8"))
    errors = []
    for err in Draft7Validator(schema).iter_errors(data):
        path = list(err.absolute_path)
        where = _where(data, path[1]) if len(path) >= 2 and path[0] == "facts" else "filen"
        fieldname = ".".join(str(p) for p in path[2:]) or "-"
        hint = err.schema.get("description", "") if isinstance(err.schema, dict) else ""
        if err.validator == "required":
            missing = [k for k in err.validator_value if k not in err.instance]
            errors.append(f"{where}: saknar fältet '{', '.join(missing)}'")
        elif err.validator == "additionalProperties":
            extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
            errors.append(
                f"{where}: okänt fält '{', '.join(extra)}' (tillåtna: id, claim, values, source, "
                "other_sources, verified, note)"
            )
        else:
            errors.append(f"{where}, fält '{fieldname}': {err.message}" + (f" – {hint}" if hint else ""))
    if errors:
        return sorted(set(errors))
    seen: Set[str] = set()
    today = today or dt.date.today()
    for n, entry in enumerate(data["facts"]):
        if entry["id"] in seen:
            errors.append(f"{_where(data, n)}, fält 'id': '{entry['id']}' finns redan")
        seen.add(entry["id"])
        try:
            if dt.date.fromisoformat(entry["verified"]) > today:
                errors.append(f"{_where(data, n)}, fält 'verified': datumet ligger i framtiden")
        except ValueError:
            errors.append(f"{_where(data, n)}, fält 'verified': '{entry['verified']}' är inget giltigt datum")
    return errors


def parse(text: str, root: Path = contract.ROOT) -> Registry:
    try:
        data = yaml.load(text, Loader=_TextDates)
    except yaml.YAMLError as err:
        return Registry(problems=[f"YAML-fel: {err}"])
    problems = validate(data, root)
    entries = data.get("facts") if isinstance(data, dict) else None
    return Registry([f for f in entries if isinstance(f, dict)] if isinstance(entries, list) else [], problems)


def load(root: Path = contract.ROOT) -> Registry:
    """The registry under `root` (problems listed, never raised: the checks report them)."""
    path = Path(root) / contract.REGISTRY_FILE
    if not path.exists():
        return Registry(problems=[f"{contract.REGISTRY_FILE} saknas"])
    return parse(path.read_text(encoding="utf-8"), root)


# ---------------------------------------------------------------- claims
def _strip(s: str) -> str:
    return s.rstrip(TRAILING)


def claims(text: str) -> List[Claim]:
    """Every number, date, year, percentage, phone number, e-mail and web address in `text`."""
    text = PLACEHOLDER.sub(" ", text)
    found: List[Claim] = []

    def take(pattern: re.Pattern, kind: str, strip: bool = True) -> None:
        nonlocal text
        for m in pattern.finditer(text):
            value = _strip(m.group(0)) if strip else m.group(0).strip()
            if value:
                found.append(Claim(value, kind))
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)

    take(URL, "url")
    take(EMAIL, "email")
    take(DOMAIN, "url")
    take(contract.PHONE, "phone", strip=False)
    take(NUMBER, "number", strip=False)
    take(NUMBER_WORD, "word", strip=False)
    return found


def _norm(text: str) -> str:
    return " ".join(text.replace("–", "-").replace("\u00a0", " ").casefold().split())


def address(url: str) -> str:
    """ "https://www.x.se/a/" → "x.se/a": the form addresses are compared in."""
    url = re.sub(r"^https?://", "", _strip(url.strip()).lower())
    return re.sub(r"^www\.", "", url).rstrip("/")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def unbacked(text: str, known: Sequence[str]) -> List[Claim]:
    """The claims in `text` that no value in `known` backs (see the module docstring)."""
    plain = _norm(PLACEHOLDER.sub(" ", text))
    in_text = [_norm(v) for v in known if _norm(v) and _norm(v) in plain]
    addresses = {address(v) for v in known}
    phones = {_digits(m) for v in known for m in contract.PHONE.findall(v)} | {
        _digits(v) for v in known if re.fullmatch(r"[\d -]+", v.strip())
    }
    missing = []
    for c in claims(text):
        if c.kind in ("url", "email"):
            ok = address(c.text) in addresses
        elif c.kind == "phone":
            ok = _digits(c.text) in phones
        else:
            ok = any(_norm(c.text) in v for v in in_text)
        if not ok and c not in missing:
            missing.append(c)
    return missing


def numbers_in(text: str) -> Set[str]:
    """The digit groups of `text` ("29–30 mars 2023" → {"29", "30", "2023"}), to compare with the fact sheet."""
    return set(re.findall(r"\d+", text))
