"""bot.patching.patch_once: one replacement, kept docstring, the original remembered."""
from bot.patching import patch_once


class Greeter:
    def hello(self) -> str:
        """Say hello."""
        return "hej"

    @staticmethod
    def shout() -> str:
        return "HEJ"


def test_patch_once_replaces_once_and_keeps_the_original(monkeypatch):
    monkeypatch.setattr(Greeter, "hello", Greeter.hello)
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


def test_patch_once_wraps_static_methods(monkeypatch):
    monkeypatch.setattr(Greeter, "shout", Greeter.__dict__["shout"])
    patch_once(Greeter, "shout", "_t_mark", lambda original: lambda: original() + "!", wrap=staticmethod)
    assert Greeter.shout() == "HEJ!" and Greeter().shout() == "HEJ!"
