"""Fixtures for the campaign tests: a campaign file with a running, an expired and a coming
campaign (dates relative to today), the counting fake Rasa and the web front counting into SQLite."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from counting_fake import CountingFakeRasa  # noqa: E402
from web_helpers import WebFront  # noqa: E402

TODAY = dt.date.today()


def campaign_yaml() -> str:
    """A running campaign (the search ad), an expired one and one that has not started."""
    day = dt.timedelta(days=1)
    return f"""campaigns:
  - id: test-sok
    name: Testkampanj sökannons
    starts: {TODAY - 30 * day}
    ends: {TODAY + 30 * day}
    opener: >-
      Hej. Att köpa sex är ett brott i Sverige. Här kan du fråga anonymt.
    buttons:
      - title: Jag vill sluta
        payload: /want_to_stop_buying
      - title: Vad säger lagen?
        payload: /faq/law
      - title: Var finns KAST?
        payload: /find_kast
  - id: test-gammal
    name: Avslutad testkampanj
    starts: {TODAY - 60 * day}
    ends: {TODAY - day}
    opener: Den här kampanjen är slut.
  - id: test-snart
    name: Kommande testkampanj
    starts: {TODAY + day}
    ends: {TODAY + 60 * day}
    opener: Den här kampanjen har inte börjat.
"""


@pytest.fixture(scope="session")
def campaign_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("campaigns") / "campaigns.yml"
    path.write_text(campaign_yaml(), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def counting_rasa():
    fake = CountingFakeRasa().start()
    yield fake
    fake.close()


@pytest.fixture(scope="session")
def counting_web(counting_rasa, campaign_file, tmp_path_factory):
    """The web front with the test campaigns, counting into its own SQLite file every 0.2 s."""
    db = tmp_path_factory.mktemp("counts") / "counts.db"
    front = WebFront(
        counting_rasa.url,
        WEB_RATE_CLIENT=100000,
        WEB_RATE_CONVERSATION=100000,
        WEB_CAMPAIGNS=str(campaign_file),
        WEB_COUNTS_DB=f"sqlite:///{db}",
        WEB_COUNTS_FLUSH_SECONDS=0.2,
        WEB_CORS_ORIGINS=counting_rasa.url,  # its /host.html embeds the widget
    ).start()
    front.counts_url = f"sqlite:///{db}"
    counting_rasa.web_url = front.url
    yield front
    front.stop()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium driven by playwright (as tests/web/test_browser.py). Module scope: only one
    playwright may run at a time, and tests/web starts its own for the rest of the session."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing ({CHROMIUM}): apt-get install -y chromium (make system-deps).", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
