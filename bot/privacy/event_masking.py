"""Masking of the values a conversation event carries: the strings in nested lists, tuples and
dicts, entity dicts and NLU parse data, each string masked with `bot.privacy.masking.mask`.

Plain Python, no Rasa import: the events themselves (which kinds, copied how) are handled by
`bot.rasa_plugins.masked_tracker`. Every string of an event is masked through this module.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Optional, Tuple

from bot.privacy.masking import mask

# Bot texts in which masking found nothing, most recently used last. The assistant's answers repeat
# (a few hundred texts), and masking a long answer again on every save was about 3 % of Rasa's CPU
# time under load. Only texts that mask to themselves are remembered: nothing personal is kept
# here, and a user's own text is never cached.
CLEAN_BOT_TEXTS_MAX = 2048
_clean_bot_texts: "OrderedDict[str, None]" = OrderedDict()


def mask_text(text: Any) -> Any:
    """`text` masked if it is a string, else as it is."""
    return mask(text) if isinstance(text, str) else text


def mask_bot_text(text: Any) -> Any:
    """`mask_text` for the assistant's own texts, remembering those in which nothing was found."""
    if not isinstance(text, str):
        return text
    if text in _clean_bot_texts:
        _clean_bot_texts.move_to_end(text)
        return text
    masked = mask(text)
    if masked == text:
        _clean_bot_texts[text] = None
        if len(_clean_bot_texts) > CLEAN_BOT_TEXTS_MAX:
            _clean_bot_texts.popitem(last=False)
    return masked


def mask_value(value: Any) -> Any:
    """`value` with every string in it masked (lists and dicts walked); other values as they are."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list):
        return [mask_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(mask_value(v) for v in value)
    if isinstance(value, dict):
        return {k: mask_value(v) for k, v in value.items()}
    return value


def mask_entity(entity: Any) -> Any:
    """A copy of an entity dict with its `value` and `text` masked; anything else as it is."""
    if not isinstance(entity, dict):
        return entity
    masked = dict(entity)
    for key in ("value", "text"):
        if key in masked:
            masked[key] = mask_value(masked[key])
    return masked


def mask_parse_data(parse_data: Any, text: Optional[Tuple[str, str]] = None) -> Any:
    """A copy of NLU parse data with its text, entities and metadata masked; anything else as it is.
    `text` = (original, masked) of a string masked already (the message's own text): not masked again."""
    if not isinstance(parse_data, dict):
        return parse_data
    masked = dict(parse_data)
    if isinstance(masked.get("text"), str):
        masked["text"] = text[1] if text and masked["text"] == text[0] else mask(masked["text"])
    if isinstance(masked.get("entities"), list):
        masked["entities"] = [mask_entity(e) for e in masked["entities"]]
    if masked.get("metadata"):
        masked["metadata"] = mask_value(masked["metadata"])
    return masked
