"""Replace a method of a Rasa class once, and put it back: the one way the speed-ups patch Rasa.

`patch_once` is idempotent (a second install finds its mark and does nothing), keeps Rasa's
docstring, remembers Rasa's method as `_bot_original` (the tests compare both) and records the
patch so that `restore_all` can put every original back.
"""

from typing import Any, Callable, Dict, List, Optional, Tuple

# (owner id, attr) -> (owner, attr, the attribute as it was in owner.__dict__, or _MISSING)
_APPLIED: Dict[Tuple[int, str], Tuple[Any, str, Any]] = {}
_MISSING = object()


def patch_once(
    owner: Any, attr: str, mark: str, make: Callable[[Any], Callable], wrap: Optional[Callable[[Callable], Any]] = None
) -> None:
    """Set `owner.<attr>` to `make(original)` unless a replacement carrying `mark` is there.

    `wrap` (staticmethod, classmethod) wraps the replacement the way the original is defined.
    """
    original = getattr(owner, attr)
    if getattr(original, mark, False):
        return
    raw = vars(owner).get(attr, _MISSING) if hasattr(owner, "__dict__") else _MISSING
    replacement = make(original)
    setattr(replacement, mark, True)
    replacement.__doc__ = original.__doc__
    replacement._bot_original = original
    _APPLIED.setdefault((id(owner), attr), (owner, attr, raw))
    setattr(owner, attr, wrap(replacement) if wrap else replacement)


def restore_all() -> None:
    """Put back every attribute `patch_once` replaced, newest first."""
    for key in reversed(list(_APPLIED)):
        owner, attr, raw = _APPLIED.pop(key)
        if raw is _MISSING:
            delattr(owner, attr)
        else:
            setattr(owner, attr, raw)


def applied() -> List[str]:
    """'owner.attr' of every attribute currently replaced."""
    return [f"{getattr(owner, '__name__', owner)}.{attr}" for owner, attr, _ in _APPLIED.values()]
