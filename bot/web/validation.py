"""Checks on what the public sends to POST /api/message.

`parse_message_request` turns the raw body into (conversation_id, text) or raises `BadRequest`
with a clear English message for developers (the widget shows its own Swedish text).
`clean_text` strips what must never reach Rasa or the tracker store: control characters, lone
surrogates, bidirectional overrides and invisible characters; it also normalises to NFC.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Optional, Tuple

from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match

# The id the web front issued (`bot.web.ids`; checked there, so that an old or unknown id gets
# 401 "conversation_expired" and the widget asks for a new one, not 400).
CONVERSATION_ID_MAX_CHARS = 200

SCHEMA = {
    "type": "object",
    "properties": {
        "conversation_id": {"type": "string", "minLength": 1, "maxLength": CONVERSATION_ID_MAX_CHARS},
        "message": {"type": "string"},
        # the campaign the chat was opened from (bot.domain.campaigns); only counted, never sent to Rasa
        "campaign": {"type": "string", "maxLength": 40},
    },
    "required": ["conversation_id", "message"],
    "additionalProperties": False,
}
_VALIDATOR = Draft7Validator(SCHEMA)

# Invisible or direction-changing characters that are allowed by Unicode but only used to hide text.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x00AD] + list(range(0x202A, 0x202F)) + list(range(0x2066, 0x206A)),
    None,
)
_DROPPED_CATEGORIES = {"Cc", "Cs"}
_MANY_NEWLINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[^\S\n]+")


class BadRequest(ValueError):
    """The request body is not a valid message request; str(error) says why."""


def parse_message_request(body: bytes) -> Tuple[str, str]:
    """Decode, parse and schema-check a request body; return (conversation_id, raw message)."""
    conversation_id, message, _campaign = parse_message(body)
    return conversation_id, message


def parse_message(body: bytes) -> Tuple[str, str, Optional[str]]:
    """As `parse_message_request`, plus the optional campaign id (unchecked: see bot.domain.campaigns)."""
    if not body:
        raise BadRequest("empty body: send a JSON object with conversation_id and message")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("body is not valid UTF-8") from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise BadRequest("invalid JSON: nested too deeply") from None
    except ValueError as error:
        reason = error.msg if isinstance(error, json.JSONDecodeError) else "bad value"
        raise BadRequest(f"invalid JSON: {reason}") from None
    error = best_match(_VALIDATOR.iter_errors(data))
    if error is not None:
        raise BadRequest(_describe(error))
    return data["conversation_id"], data["message"], data.get("campaign")


def _describe(error) -> str:
    """A short message naming the field, without echoing the sender's data."""
    field = ".".join(str(p) for p in error.path) or "body"
    if error.validator == "required":
        missing = [k for k in SCHEMA["required"] if k not in error.instance]
        return f"missing field: {', '.join(missing)}"
    if error.validator == "additionalProperties":
        return "unknown field: only conversation_id, message and campaign are allowed"
    if error.validator == "type":
        return f"{field} must be a JSON {error.validator_value}"
    if error.validator in ("minLength", "maxLength"):
        return f"{field} must be the id from POST /api/conversation"
    return f"{field} is invalid"


def clean_text(text: str) -> str:
    """Remove control and invisible characters, normalise spaces and newlines, NFC-normalise."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.translate(_INVISIBLE)
    text = "".join(c for c in text if c == "\n" or unicodedata.category(c) not in _DROPPED_CATEGORIES)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _MANY_NEWLINES.sub("\n\n", text).strip()
