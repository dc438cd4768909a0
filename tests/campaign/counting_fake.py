"""The fake Rasa of tests/web, answering with the campaign counters header as our REST channel does.

The counters a message adds are a small stand-in for `bot.domain.campaign_counts.turn_metrics` (which the
real Rasa runs in its tracker store): the first message of a conversation is `wrote`, "sluta" or
/want_to_stop_buying is the first stop question, /faq/law a law question, a known place a KAST
referral, and "jag vill dö" a safety answer.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from fake_rasa import FakeRasa, answer_for  # noqa: E402

from bot.domain.campaign_counts import COUNTS_HEADER  # noqa: E402

TOPICS = {"/want_to_stop_buying": "want_to_stop_buying", "/faq/law": "faq/law", "/find_kast": "find_kast"}


class CountingFakeRasa(FakeRasa):
    """FakeRasa whose answers carry `X-Chat-Counts`."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.seen: set = set()
        self.asked: set = set()

    def counts(self, sender: str, message: str) -> List[str]:
        key = message.strip().lower()
        metrics = []
        if key == "/restart":
            return metrics
        if sender not in self.seen:
            self.seen.add(sender)
            metrics.append("wrote")
        topic = TOPICS.get(key) or ("want_to_stop_buying" if "sluta" in key else None)
        if topic and sender not in self.asked:
            self.asked.add(sender)
            metrics.append("asked")
        if key in ("malmö", "umea"):
            metrics.append("referral")
        if "dö" in key:
            metrics.append("safety")
        metrics.append("topic:" + (topic or ("inform_location" if key in ("malmö", "umea") else "out_of_scope")))
        return metrics

    async def _host(self, request: web.Request) -> web.Response:
        """A page of another origin embedding the widget with data-campaign="<?campaign=…>"."""
        campaign = request.query.get("campaign", "")
        page = (
            f"<!doctype html><html lang='sv'><head><meta charset='utf-8'><title>Värdsida</title></head>"
            f"<body><main><h1>En annonssajt</h1></main><script src='{self.web_url}/widget.js' "
            f"data-campaign='{campaign}' defer></script></body></html>"
        )
        return web.Response(text=page, content_type="text/html")

    async def _webhook(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        sender, message = str(body.get("sender", "")), str(body.get("message", ""))
        self.received.append({"sender": sender, "message": message, "body": body, "headers": dict(request.headers)})
        return web.json_response(
            answer_for(message, sender), headers={COUNTS_HEADER: ",".join(self.counts(sender, message))}
        )
