"""Take docs/screenshot.png: the chat page with a short conversation, in headless Chromium.

    .venv/bin/python tools/screenshot.py                       # against the fake Rasa of the tests
    .venv/bin/python tools/screenshot.py --rasa http://127.0.0.1:5005   # against a running Rasa

It starts the web front (`python -m bot.web`) on a free port, opens the page, accepts the privacy
notice, asks a question, clicks the first answer button if there is one, names a place, and saves
the screenshot. Needs /usr/bin/chromium (apt-get install chromium).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from bot.tools import procs  # noqa: E402

# The fake Rasa of the web tests, run as a separate process (tools/ never imports tests/).
FAKE_RASA = ROOT / "tests" / "web" / "fake_rasa.py"
# The web front runs on its own environment when there is one (as `make run` serves it).
WEB_PYTHON = ROOT / ".venv-web" / "bin" / "python"

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


def start(cmd: list, url: str, log, env: dict = None) -> subprocess.Popen:
    """Start `cmd` in the project folder and wait until `url` answers."""
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    procs.wait_http(url, timeout=60, proc=proc)
    return proc


def main() -> None:
    parser = argparse.ArgumentParser(description="Save a screenshot of the chat page.")
    parser.add_argument("--rasa", default="fake", help="'fake' (default) or the URL of a running Rasa")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--width", type=int, default=1000)
    parser.add_argument("--height", type=int, default=1000)
    args = parser.parse_args()

    log = tempfile.NamedTemporaryFile(prefix="screenshot-", suffix=".log", delete=False)
    started = []
    try:
        rasa_url = args.rasa
        if args.rasa == "fake":
            port = procs.free_port()
            rasa_url = f"http://127.0.0.1:{port}"
            fake_env = dict(os.environ, PYTHONPATH=str(ROOT))
            started.append(
                start([sys.executable, str(FAKE_RASA), "--port", str(port)], rasa_url + "/neutral", log, fake_env)
            )
        port = procs.free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("WEB_") and k != "RASA_URL"}
        env.update({"WEB_HOST": "127.0.0.1", "WEB_PORT": str(port), "RASA_URL": rasa_url, "WEB_COUNTS_DB": "off"})
        python = str(WEB_PYTHON) if WEB_PYTHON.exists() else sys.executable
        front_url = f"http://127.0.0.1:{port}"
        started.append(start([python, "-m", "bot.web"], front_url + "/healthz", log, env))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": args.height}, locale="sv-SE")
            page.goto(front_url + "/")
            page.get_by_role("button", name="Jag förstår").click()
            say(page, "Jag vill sluta köpa sex")
            if page.locator(".jc-choice").count():
                say(page, click_first_button=True)
            say(page, "Malmö")
            page.locator("#jamchat-input").blur()
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=args.out)
            browser.close()
    except Exception:
        print(f"failed; the servers' output is in {log.name}", file=sys.stderr)
        raise
    else:
        Path(log.name).unlink(missing_ok=True)
    finally:
        for proc in reversed(started):
            procs.stop(proc)
        log.close()
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
