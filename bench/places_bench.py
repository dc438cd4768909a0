"""Benchmark of the place gazetteer: share of the 290 municipalities routed to the right county.

Each municipality name is written as is, without å/ä/ö, and with one typo (a seeded random swap of
two neighbouring letters, a dropped letter or a replaced letter), both alone (`find_place`) and in
the phrase "jag bor i <name>" (`find_places_in_text`). Deterministic: run it twice, same figures.

    .venv/bin/python bench/places_bench.py
"""

import random
import string
import sys
from pathlib import Path
from typing import Callable, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.domain import places  # noqa: E402
from bot.domain.text import fold  # noqa: E402

SEED = 20261127


def unaccented(name: str) -> str:
    """The name as typed without å/ä/ö, case kept: "Malung-Sälen" → "Malung-Salen"."""
    return "".join(fold(c) if c.isalpha() else c for c in name)


def one_typo(name: str, rng: random.Random) -> str:
    """Swap two neighbouring letters, drop one or replace one (positions of letters only)."""
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    op = rng.choice(("swap", "drop", "replace"))
    i = rng.choice(letters[:-1] if op == "swap" else letters)
    chars = list(name)
    if op == "swap":
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    elif op == "drop":
        del chars[i]
    else:
        chars[i] = rng.choice([c for c in string.ascii_lowercase if c != fold(chars[i].lower())])
    return "".join(chars)


def in_phrase(text: str) -> Optional[places.Place]:
    found = places.find_places_in_text(f"jag bor i {text}")
    return found[0] if found else None


def share(variants: List[str], truth: List[places.Place], find: Callable) -> float:
    hits = 0
    for text, place in zip(variants, truth):
        got = find(text)
        hits += got is not None and got.county == place.county
    return hits / len(truth)


def main() -> None:
    truth = list(places.municipalities())
    rng = random.Random(SEED)
    forms = {
        "as written": [p.name for p in truth],
        "without å/ä/ö": [unaccented(p.name) for p in truth],
        "one typo": [one_typo(p.name, rng) for p in truth],
        "one typo, without å/ä/ö": [one_typo(unaccented(p.name), rng) for p in truth],
    }
    print(f"Municipalities routed to the right county ({len(truth)} names, seed {SEED})")
    print(f"{'form':28} {'name alone':>10} {'jag bor i …':>12}")
    for label, variants in forms.items():
        alone = share(variants, truth, places.find_place)
        phrase = share(variants, truth, in_phrase)
        print(f"{label:28} {alone:10.3f} {phrase:12.3f}")


if __name__ == "__main__":
    main()
