"""Fixtures for the web front's tests: a fake Rasa in a thread, the web front as a real process.

The web front runs as `python -m bot.web` (the way it runs in production) on a free port, its
output captured to a file so tests can read its logs. Each configuration is started once per
module or session; `rasa` resets the fake before each test.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from fake_rasa import FakeRasa  # noqa: E402
from web_helpers import WebFront  # noqa: E402


@pytest.fixture(scope="session")
def fake_rasa():
    fake = FakeRasa().start()
    yield fake
    fake.close()


@pytest.fixture
def rasa(fake_rasa):
    """The fake Rasa, quick, healthy and running, with nothing received yet (restarted if a test
    stopped it)."""
    fake_rasa.start()
    fake_rasa.reset()
    yield fake_rasa
    fake_rasa.start()


@pytest.fixture(scope="session")
def web(fake_rasa):
    """The web front with generous limits (most tests), trusting one proxy for X-Forwarded-For."""
    front = WebFront(
        fake_rasa.url,
        WEB_RATE_CLIENT=100000,
        WEB_RATE_CONVERSATION=100000,
        WEB_PROXIES_COUNT=1,
        WEB_RASA_QUEUE_TIMEOUT=1,
        WEB_RASA_TIMEOUT=2,
        WEB_CORS_ORIGINS=fake_rasa.url,
    ).start()
    fake_rasa.web_url = front.url
    yield front
    front.stop()
