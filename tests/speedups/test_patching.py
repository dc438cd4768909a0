"""bot.speedups.patching: one replacement, kept docstring, the original remembered and put back."""

from bot.speedups import patching
from bot.speedups.patching import patch_once, restore_all


def _greeter():
    """A fresh class for each test (its patches are undone by tests/speedups/conftest.py)."""

    class Greeter:
        def hello(self) -> str:
            """Say hello."""
            return "hej"

        @staticmethod
        def shout() -> str:
            return "HEJ"

    return Greeter


def test_patch_once_replaces_once_and_keeps_the_original():
    Greeter = _greeter()
    made = []

    def make(original):
        made.append(original)

        def hello(self) -> str:
            return original(self) + "!"

        return hello

    patch_once(Greeter, "hello", "_t_mark", make)
    patch_once(Greeter, "hello", "_t_mark", make)  # a second install does nothing
    assert len(made) == 1
    assert Greeter().hello() == "hej!"
    assert Greeter.hello.__doc__ == "Say hello." and Greeter.hello._bot_original is made[0]
    assert "Greeter.hello" in patching.applied()


def test_patch_once_wraps_static_methods():
    Greeter = _greeter()
    patch_once(Greeter, "shout", "_t_mark", lambda original: lambda: original() + "!", wrap=staticmethod)
    assert Greeter.shout() == "HEJ!" and Greeter().shout() == "HEJ!"


def test_restore_all_puts_back_methods_and_static_methods():
    Greeter = _greeter()
    hello, shout = vars(Greeter)["hello"], vars(Greeter)["shout"]
    patch_once(Greeter, "hello", "_t_mark", lambda original: lambda self: original(self) + "!")
    patch_once(Greeter, "shout", "_t_mark", lambda original: lambda: original() + "!", wrap=staticmethod)
    assert Greeter().hello() == "hej!" and Greeter.shout() == "HEJ!"
    restore_all()
    assert vars(Greeter)["hello"] is hello and vars(Greeter)["shout"] is shout
    assert Greeter().hello() == "hej" and Greeter.shout() == "HEJ" and Greeter().shout() == "HEJ"
    assert not any(name.startswith("Greeter.") for name in patching.applied())
    patch_once(Greeter, "hello", "_t_mark", lambda original: lambda self: original(self) + "?")
    assert Greeter().hello() == "hej?", "after restore_all a patch can be installed again"


def test_restore_all_removes_an_attribute_the_patch_added():
    Greeter = _greeter()

    class Loud(Greeter):  # inherits hello: the patch adds it to Loud itself
        pass

    patch_once(Loud, "hello", "_t_mark", lambda original: lambda self: original(self).upper())
    assert Loud().hello() == "HEJ" and "hello" in vars(Loud)
    restore_all()
    assert "hello" not in vars(Loud) and Loud().hello() == "hej"
