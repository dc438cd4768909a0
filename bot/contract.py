"""The shared intent contract (`../shared/contract/intents.yml`) and checks against it.

`must_say` facts: `all` = every string must be in the answer, `any` = at least one (both
case-insensitive). Phone-like numbers in answers must appear in the fact sheet.
"""
from functools import lru_cache
from pathlib import Path
import os
import re
from typing import Dict, Iterable, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))

# Same shape as the shared before-stop hook uses: 0xx-…, 1xx xx(x), 9xxxx, 112.
PHONE = re.compile(r"(?<![\d-])(0\d{1,3}-[\d ]{5,10}\d|1\d{2} ?\d{2,3}(?: \d{2})?|9\d{4}|112)(?!\d)")


@lru_cache(maxsize=1)
def contract() -> dict:
    return yaml.safe_load((SHARED / "contract" / "intents.yml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def facts() -> str:
    return (SHARED / "facts" / "FACTS.md").read_text(encoding="utf-8")


def intent_names() -> List[str]:
    return [i["name"] for i in contract()["intents"]]


def must_say(intent: str) -> Dict[str, List[str]]:
    for i in contract()["intents"]:
        if i["name"] == intent:
            return i.get("must_say") or {}
    raise KeyError(intent)


def missing_facts(intent: str, answer: str) -> List[str]:
    """The must_say facts of `intent` that `answer` lacks (empty list = all good)."""
    rule, text = must_say(intent), answer.lower()
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
