"""Typed requests to delete the conversation ("radera mitt samtal", "delete my chat"), found by a
fixed pattern instead of the NLU model.

`is_deletion_request(text)` is True when the whole message, lower-cased with punctuation turned into
spaces, has the form `[opening] verb object [closing …]` from the word lists in content/privacy.yml
(or is one of its stand-alone messages). A message with anything more in it is an ordinary question
("hur tar jag bort mina meddelanden i telefonen?") and goes to the NLU as usual.
`bot.rasa_plugins.channel` replaces a deletion request by the payload `/delete_conversation` before Rasa
sees it. Plain Python: no Rasa imports.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path
from typing import Iterable, Pattern

import yaml

from bot.paths import CONTENT

PRIVACY_FILE = CONTENT / "privacy.yml"
DELETE_PAYLOAD = "/delete_conversation"
MAX_CHARS = 200  # longer messages are never just a deletion request

_NOT_WORD = re.compile(r"[^\w]+")


def normalise(text: str) -> str:
    """Lower case, NFC, punctuation and runs of spaces as one space."""
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFC", text).lower()).strip()


def _alternatives(words: Iterable[str]) -> str:
    phrases = sorted({normalise(str(w)) for w in words if normalise(str(w))}, key=len, reverse=True)
    return "|".join(re.escape(p) for p in phrases)


@functools.lru_cache(maxsize=4)
def pattern(path: Path = PRIVACY_FILE) -> Pattern[str]:
    """The compiled pattern of the word lists in `path`."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for key in ("verb", "objekt"):
        if not data.get(key):
            raise ValueError(f"{path}: the list {key!r} is empty")
    alone = _alternatives(data.get("ensamma") or ())
    opening = _alternatives(data.get("början") or ())
    closing = _alternatives(data.get("slut") or ())
    phrase = (
        (f"(?:(?:{opening}) )?" if opening else "")
        + f"(?:{_alternatives(data['verb'])}) (?:{_alternatives(data['objekt'])})"
        + (f"(?: (?:{closing}))*" if closing else "")
    )
    return re.compile(f"(?:{alone})|(?:{phrase})" if alone else phrase)


def is_deletion_request(text: object, path: Path = PRIVACY_FILE) -> bool:
    """Is the whole message a request to delete the conversation?"""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_CHARS:
        return False
    return pattern(path).fullmatch(normalise(text)) is not None
