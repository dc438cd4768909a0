"""Take docs/screenshot.png: the chat page with a short conversation, in headless Chromium.

    .venv/bin/python tools/screenshot.py                       # against the fake Rasa of the tests
    .venv/bin/python tools/screenshot.py --rasa http://127.0.0.1:5005   # against a running Rasa

It starts the web front (`python -m bot.web`) on a free port, opens the page, accepts the privacy
notice, asks a question, clicks the first answer button if there is one, names a place, and saves
the screenshot. Needs /usr/bin/chromium (apt-get install chromium).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "web"))
sys.path.insert(0, str(ROOT))  # web_helpers reads bot.web

from fake_rasa import FakeRasa  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402
from web_helpers import WebFront  # noqa: E402

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def say(page, text: str = "", click_first_button: bool = False) -> None:
    """Send a message (or click the first answer button) and wait for the answer."""
    bots = page.locator(".jc-bot")
    before = bots.count()
    if click_first_button:
        page.locator(".jc-choice").first.click()
    else:
        page.locator("#jamchat-input").fill(text)
        page.locator("#jamchat-input").press("Enter")
    expect(bots).not_to_have_count(before, timeout=30_000)
    expect(page.locator(".jc-status")).to_have_text("", timeout=30_000)


def main() -> None:
    parser = argparse.ArgumentParser(description="Save a screenshot of the chat page.")
    parser.add_argument("--rasa", default="fake", help="'fake' (default) or the URL of a running Rasa")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--width", type=int, default=1000)
    parser.add_argument("--height", type=int, default=1000)
    args = parser.parse_args()

    fake = FakeRasa().start() if args.rasa == "fake" else None
    front = WebFront(fake.url if fake else args.rasa).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": args.height}, locale="sv-SE")
            page.goto(front.url + "/")
            page.get_by_role("button", name="Jag förstår").click()
            say(page, "Jag vill sluta köpa sex")
            if page.locator(".jc-choice").count():
                say(page, click_first_button=True)
            say(page, "Malmö")
            page.locator("#jamchat-input").blur()
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=args.out)
            browser.close()
    finally:
        front.stop()
        if fake:
            fake.close()
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
