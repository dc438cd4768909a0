"""Fixtures for the speed-up tests (bot.speedups and the components of bot.rasa_plugins that use them).

Every test leaves Rasa's methods as it found them: the session's `parser` installs every runtime
patch (`bot.rasa_main.install()`), and a test may install, uninstall or switch the speed-ups off for
a comparison with Rasa's own code. `_patches_as_before` puts back exactly the patches that were in
place before the test, the very same functions, so the parser and the next test see no difference
whatever ran before.
"""

import pytest

from bot import speedups
from bot.speedups import patching


@pytest.fixture(autouse=True)
def _patches_as_before():
    before = speedups.installed()
    saved = dict(patching._APPLIED)  # (owner id, attr) -> (owner, attr, Rasa's attribute)
    current = {key: vars(owner).get(attr) for key, (owner, attr, _) in saved.items()}
    yield
    changed = speedups.installed() != before or any(
        vars(owner).get(attr) is not current[key] for key, (owner, attr, _) in saved.items()
    )
    if not changed:
        return
    speedups.uninstall()  # everything the test left, and the patches from before, back to Rasa's
    for key, (owner, attr, raw) in saved.items():  # then the patches from before, as they were
        setattr(owner, attr, current[key])
        patching._APPLIED[key] = (owner, attr, raw)
    assert speedups.installed() == before


@pytest.fixture
def fast(monkeypatch):
    """The speed-ups on (BOT_SPEEDUPS=1) and every runtime patch installed, for this test."""
    monkeypatch.setenv(speedups.SWITCH, "1")
    assert speedups.install(), f"speed-ups not enabled here: {speedups.unsupported()}"


@pytest.fixture
def rasa_code(monkeypatch):
    """Call it to run Rasa's own code for the rest of the test: BOT_SPEEDUPS=0 (our components take
    Rasa's path) and no runtime patch."""

    def switch_off() -> None:
        monkeypatch.setenv(speedups.SWITCH, "0")
        speedups.uninstall()
        assert not speedups.enabled() and speedups.installed() == []

    return switch_off
