"""A small fake of Rasa's REST channel for the web front's tests and the screenshot tool.

It answers POST /webhooks/rest/webhook with canned Swedish answers (facts from FACTS.md only) and
can be made slow (`delay`), failing (`status`), garbled (`garbage`) or down (`stop()`; `start()`
brings it back on the same port). It records what it received (`received`), including headers, so
tests can check that nothing about the client reaches Rasa. GET /host.html serves a page of another
origin that embeds the widget, and /neutral a page that stands in for the quick exit's target.

In a test: `FakeRasa().start()` runs it in a background thread. From a shell:
`python tests/web/fake_rasa.py --port 5005`.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import threading
from typing import Dict, List, Optional

from aiohttp import web

try:
    from bot.privacy.deletion import is_deletion_request
except ImportError:  # run as a script from elsewhere: only the payload deletes

    def is_deletion_request(text: str) -> bool:
        return False


STOP_ANSWER = [
    {
        "text": (
            "Det är bra att du vill sluta. KAST (Köpare av sexuella tjänster) erbjuder samtalsstöd "
            "till dig som köper sex och vill sluta. Stödet är oftast kostnadsfritt och du kan ofta "
            "vara anonym. Vill du att jag letar upp en mottagning nära dig?"
        ),
        "buttons": [
            {"title": "Ja, gärna", "payload": "/affirm"},
            {"title": "Nej tack", "payload": "/deny"},
        ],
    }
]

CANNED = {
    "/affirm": [{"text": "Var bor du? Skriv din kommun eller ditt län, till exempel Göteborg."}],
    "/deny": [
        {
            "text": (
                "Okej. Du kan alltid komma tillbaka hit. Vill du prata med en människa kan du ringa "
                "Kvinnofridslinjen 020-50 50 50, dygnet runt."
            )
        }
    ],
    "/restart": [],
    "malmö": [
        {
            "text": (
                "I Malmö finns Evonhuset, som har samma mål som KAST. Telefon 020-35 40 40, "
                "e-post evonhuset@malmo.se. Läs mer på https://malmo.se."
            )
        }
    ],
}


def answer_for(message: str, sender: str) -> List[Dict]:
    """The canned answer for a message (lower-cased lookup, then a few keywords)."""
    key = message.strip().lower()
    if key in CANNED:
        return [dict(m, recipient_id=sender) for m in CANNED[key]]
    if "sluta" in key:
        return [dict(m, recipient_id=sender) for m in STOP_ANSWER]
    if key.startswith("eko:"):
        return [{"recipient_id": sender, "text": message[4:].strip()}]
    if "länk" in key:
        return [
            {
                "recipient_id": sender,
                "text": "Läs mer på https://www.example.org/sida. Eller [en annan sida](https://www.example.org/annan).",
            }
        ]
    return [{"recipient_id": sender, "text": f"Du skrev: {message}"}]


HOST_PAGE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Värdsida</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>En annan webbplats</h1><p>Sidan bäddar in chatten.</p></main>
<script src="{web}/widget.js" defer></script></body></html>
"""


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FakeRasa:
    """The fake server; control it through its attributes from any thread."""

    def __init__(self, port: Optional[int] = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.web_url = ""  # set by tests: the web front that /host.html embeds
        self.delay = 0.0
        self.status = 200
        self.garbage = False
        self.received: List[Dict] = []
        self.deleted: List[str] = []  # senders whose conversation was deleted
        self.running = False
        self._loop = asyncio.new_event_loop()
        self._runner: Optional[web.AppRunner] = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    def reset(self) -> None:
        """Back to quick, healthy answers; forget what was received."""
        self.delay, self.status, self.garbage = 0.0, 200, False
        self.deleted = []  # senders whose conversation was deleted
        self.received.clear()

    def messages(self) -> List[str]:
        """The texts received so far."""
        return [r["message"] for r in self.received]

    async def _webhook(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.received.append(
            {
                "sender": body.get("sender"),
                "message": body.get("message"),
                "body": body,
                "headers": dict(request.headers),
            }
        )
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.status != 200:
            return web.Response(status=self.status, text="error")
        if self.garbage:
            return web.Response(text="<html>not json</html>", content_type="text/html")
        message = str(body.get("message", ""))
        if message == "/delete_conversation" or is_deletion_request(message):
            # as bot.rasa_plugins.channel and bot.rasa_plugins.tracker_store: deleted, and the front is told so
            self.deleted.append(str(body.get("sender", "")))
            return web.json_response(
                [{"recipient_id": body.get("sender"), "text": "Samtalet är raderat."}], headers={"X-Chat-Deleted": "1"}
            )
        return web.json_response(answer_for(message, str(body.get("sender", ""))))

    async def _host(self, request: web.Request) -> web.Response:
        return web.Response(text=HOST_PAGE.replace("{web}", self.web_url), content_type="text/html")

    async def _neutral(self, request: web.Request) -> web.Response:
        return web.Response(text="<!doctype html><title>Neutral</title><p>Neutral sida</p>", content_type="text/html")

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self._webhook)
        app.router.add_get("/host.html", self._host)
        app.router.add_get("/neutral", self._neutral)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True).start()

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()  # closes open keep-alive connections too
            self._runner = None

    def start(self) -> "FakeRasa":
        """Start (or restart) serving on the same port."""
        if not self.running:
            asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
            self.running = True
        return self

    def stop(self) -> None:
        """Stop serving: connections are refused, as when Rasa is down."""
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self.running = False

    def close(self) -> None:
        """Stop serving and end the thread."""
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


def main() -> None:
    """Run the fake in the foreground."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5005)
    parser.add_argument("--web-url", default="", help="web front embedded by /host.html")
    args = parser.parse_args()
    fake = FakeRasa(args.port)
    fake.web_url = args.web_url
    fake.start()
    print(f"fake Rasa on {fake.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.close()


if __name__ == "__main__":
    main()
