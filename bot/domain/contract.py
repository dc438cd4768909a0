"""The intent contract (`content/contract/intents.yml`) and the fact sheet, and checks against them.

The one place that names the project's copies of the delivered files (the contract, FACTS.md,
SOURCES.md) and the fact registry `content/facts.yml`. Everything reads these copies; only
`delivered_changes` looks at the delivery folder `../shared`, if it exists, to say what differs.

`must_say` facts: `all` = every string must be in the answer, `any` = at least one (both
case-insensitive). Phone-like numbers in answers must appear in the fact sheet.
"""

import difflib
import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Tuple

import yaml

from bot.paths import ROOT

# The project's copies, relative to the project root.
CONTRACT_FILE = "content/contract/intents.yml"
FACTS_FILE = "content/facts/FACTS.md"
SOURCES_FILE = "content/facts/SOURCES.md"
REGISTRY_FILE = "content/facts.yml"
REGISTRY_SCHEMA = "content/schema/facts.schema.json"
# The delivery folder beside the project, and where each copy came from inside it.
DELIVERY_DIR = "../shared"
DELIVERED = {CONTRACT_FILE: "contract/intents.yml", FACTS_FILE: "facts/FACTS.md", SOURCES_FILE: "facts/SOURCES.md"}

# Same shape as the delivered before-stop hook uses: 0xx-…, 1xx xx(x), 9xxxx, 112.
PHONE = re.compile(r"(?<![\d-])(0\d{1,3}-[\d ]{5,10}\d|1\d{2} ?\d{2,3}(?: \d{2})?|9\d{4}|112)(?!\d)")


@lru_cache(maxsize=4)
def contract(root: Path = ROOT) -> dict:
    return yaml.safe_load((Path(root) / CONTRACT_FILE).read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def facts(root: Path = ROOT) -> str:
    return (Path(root) / FACTS_FILE).read_text(encoding="utf-8")


@lru_cache(maxsize=4)
def sources(root: Path = ROOT) -> str:
    path = Path(root) / SOURCES_FILE
    return path.read_text(encoding="utf-8") if path.exists() else ""


def delivered_changes(root: Path = ROOT) -> List[Tuple[str, str, List[str]]]:
    """(copy, delivered file, changed lines) for each copy that differs from the delivery folder.

    Empty when there is no delivery folder beside the project: the project never needs it.
    """
    delivery = (Path(root) / DELIVERY_DIR).resolve()
    changes = []
    for copy, name in DELIVERED.items():
        theirs, ours = delivery / name, Path(root) / copy
        if not theirs.is_file():
            continue
        a = ours.read_text(encoding="utf-8").splitlines() if ours.exists() else []
        b = theirs.read_text(encoding="utf-8").splitlines()
        if a != b:
            diff = [
                d
                for d in difflib.unified_diff(a, b, copy, str(theirs), n=0, lineterm="")
                if d[:1] in "+-" and not d.startswith(("+++", "---"))
            ]
            changes.append((copy, str(theirs), diff))
    return changes


def intent_names(root: Path = ROOT) -> List[str]:
    return [i["name"] for i in contract(root)["intents"]]


def must_say(intent: str, root: Path = ROOT) -> Dict[str, List[str]]:
    for i in contract(root)["intents"]:
        if i["name"] == intent:
            return i.get("must_say") or {}
    raise KeyError(intent)


def missing_facts(intent: str, answer: str, root: Path = ROOT) -> List[str]:
    """The must_say facts of `intent` that `answer` lacks (empty list = all good)."""
    rule, text = must_say(intent, root), answer.lower()
    missing = [f for f in rule.get("all", []) if f.lower() not in text]
    anys = rule.get("any", [])
    if anys and not any(f.lower() in text for f in anys):
        missing.append("one of " + " | ".join(anys))
    return missing


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def unknown_numbers(text: str, known_text: Iterable[str] = ()) -> List[str]:
    """Phone-like numbers in `text` that are neither in the fact sheet nor in `known_text`."""
    known = {_digits(m) for src in [facts(), *known_text] for m in PHONE.findall(src)}
    return sorted({m.strip() for m in PHONE.findall(text) if _digits(m) not in known})
