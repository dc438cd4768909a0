"""Find Rasa event classes by their type name without walking the class tree every time.

Rasa 3.6 rebuilds every stored event of a conversation on each message, and for each event it
looks its class up by walking all subclasses of `Event` (`Event.resolve_by_type` →
`all_subclasses`, with an `inspect.isabstract` test per class): about a tenth of the time Rasa
spent per message here. `install()` remembers the answer per type name, with the same
first-match rule; a name it has not seen goes to Rasa's own lookup, so event classes defined
later are still found.
"""

from typing import Dict, Optional, Text, Type

from bot.speedups.patching import patch_once

_MARK = "_bot_cached"


def install() -> None:
    """Patch `Event.resolve_by_type` (idempotent)."""
    from rasa.shared.core.events import Event

    def make(original):
        found: Dict[Text, Type[Event]] = {}

        def resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
            cls = found.get(type_name)
            if cls is None:
                cls = original(type_name, default)
                if cls is not None and cls is not default:
                    found[type_name] = cls
            return cls

        return resolve_by_type

    patch_once(Event, "resolve_by_type", _MARK, make, wrap=staticmethod)
