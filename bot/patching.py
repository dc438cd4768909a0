"""Replace a method of a Rasa class once: the one way the project patches Rasa.

The speed-ups (`bot.fast_events`, `bot.fast_graph`, `bot.nlu.fast_load`, `bot.nlu.fast_predict`,
`bot.nlu.selective_selector`) and the training fixes (`bot.content.training`) each replace one
method. `patch_once` makes that idempotent (a second install finds its mark and does nothing),
keeps Rasa's docstring and remembers Rasa's method as `_bot_original` (the tests compare both).
"""
from typing import Any, Callable, Optional


def patch_once(owner: Any, attr: str, mark: str, make: Callable[[Any], Callable],
               wrap: Optional[Callable[[Callable], Any]] = None) -> None:
    """Set `owner.<attr>` to `make(original)` unless a replacement carrying `mark` is there.

    `wrap` (staticmethod, classmethod) wraps the replacement the way the original is defined.
    """
    original = getattr(owner, attr)
    if getattr(original, mark, False):
        return
    replacement = make(original)
    setattr(replacement, mark, True)
    replacement.__doc__ = original.__doc__
    replacement._bot_original = original
    setattr(owner, attr, wrap(replacement) if wrap else replacement)
