"""Privacy: masking of personal data in user text (see `bot.privacy.masking`)."""

from bot.privacy.masking import KINDS, Span, find, mask, placeholder

__all__ = ["KINDS", "Span", "find", "mask", "placeholder"]
