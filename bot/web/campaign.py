"""The web front's side of campaigns: openers in widget.js, campaign labels, and the counters.

- `GET /widget.js` carries, besides the settings, the openers of the campaigns running today
  (`bot.domain.campaigns`) and the host names of the support services (a click on one counts as a contact);
  it is rebuilt when the date changes, so an expired campaign falls back to the default opener
  without a restart.
- `POST /api/count` takes {"event": "opened" | "contact" | "exit", "campaign": "<id>"} from the
  widget (as text/plain, so a browser sends it without a preflight, or as application/json) and
  answers 204. Nothing else is read: no conversation id, no cookie, no address (the rate limiter
  sees a keyed hash of it, as for messages).
- `count_turn` adds the counters Rasa reported for a message (`RelayResult.counts`).

An id that is unknown or not running today is counted as `bot.domain.campaigns.NO_CAMPAIGN`. Counting is
an increment in memory; a background task adds it to the database every
`WEB_COUNTS_FLUSH_SECONDS` in a worker thread, and once more when the server stops
(`bot.domain.campaign_counts`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json as jsonlib
import logging
from pathlib import Path
from typing import Any, Iterable, Optional

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, empty, json

from bot.domain import campaign_counts, campaigns
from bot.web.config import Settings
from bot.web.security import cors_headers, is_same_origin

logger = logging.getLogger(__name__)

MAX_COUNT_BODY = 512


def load_book(path: str) -> campaigns.CampaignBook:
    """The campaigns; a broken file is logged and means no campaigns (the chat still opens)."""
    try:
        return campaigns.load(Path(path))
    except (campaigns.CampaignError, OSError) as error:
        logger.error("Campaigns not loaded, every chat gets the default opener: %s", error)
        return campaigns.EMPTY


class CampaignFront:
    """Campaign book, today's widget script and the counter tally of one server process."""

    def __init__(self, settings: Settings, widget_template: str, base_config: str) -> None:
        self.settings = settings
        self.book = load_book(settings.campaigns_file)
        self.hosts = campaign_counts.support_hosts()
        self._template = widget_template
        self._base_config = jsonlib.loads(base_config)
        self._day: Optional[dt.date] = None
        self._script = b""
        self.url = campaign_counts.counts_url(settings.counts_db)
        self.tally = campaign_counts.Tally(None)
        self._task: Optional[asyncio.Task] = None

    # ---- labels and the widget
    def label(self, campaign_id: Any) -> str:
        return self.book.resolve(campaign_id, dt.date.today())

    def widget_js(self) -> bytes:
        today = dt.date.today()
        if today != self._day:
            config = dict(self._base_config, campaigns=self.book.openers(today), contactHosts=self.hosts)
            body = self._template
            start, end = body.index("/*CONFIG*/"), body.index("/*END*/")
            body = body[:start] + jsonlib.dumps(config, ensure_ascii=True) + body[end + len("/*END*/") :]
            self._script, self._day = body.encode("utf-8"), today
        return self._script

    # ---- counting
    def count_turn(self, campaign_id: Any, metrics: Iterable[str]) -> None:
        """Add the counters of one answered message (no-op when Rasa reported none)."""
        if metrics and self.url:
            self.tally.add(self.label(campaign_id), metrics)

    async def _flush_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.settings.counts_flush_seconds)
            await loop.run_in_executor(None, self.tally.flush)

    async def start(self, app: Sanic, _loop=None) -> None:  # _loop: only sanic 21.12 passes it
        if not self.url:
            logger.info("Campaign counters are off (WEB_COUNTS_DB=off)")
            return
        try:
            self.tally.store = campaign_counts.CountStore(self.url)
        except Exception as error:  # noqa: BLE001 – a bad URL or missing driver: chat without counting
            logger.error(
                "Campaign counters are off: %s (%s)", type(error).__name__, campaign_counts.describe_url(self.url)
            )
            self.url = None
            return
        self._task = asyncio.get_running_loop().create_task(self._flush_loop())

    async def stop(self, app: Sanic, _loop=None) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if self.tally.store is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.tally.flush)
            self.tally.store.close()

    # ---- routes
    async def serve_widget(self, request: Request) -> HTTPResponse:
        from sanic.response import raw

        return raw(self.widget_js(), content_type="text/javascript; charset=utf-8")

    async def post_count(self, request: Request) -> HTTPResponse:
        """One event reported by the widget; 204 whether or not counting is on."""
        ctx = request.app.ctx
        origin = request.headers.get("origin")
        if origin and not is_same_origin(origin, request.host) and not cors_headers(origin, self.settings.cors_origins):
            return json({"error": "origin not allowed"}, status=403)
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type not in ("text/plain", "application/json") or len(request.body or b"") > MAX_COUNT_BODY:
            return json({"error": "send {\"event\", \"campaign\"} as text/plain or application/json"}, status=400)
        try:
            data = jsonlib.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return json({"error": "invalid JSON"}, status=400)
        event = data.get("event") if isinstance(data, dict) else None
        if event not in campaign_counts.WIDGET_METRICS:
            return json(
                {"error": "event must be one of " + ", ".join(sorted(campaign_counts.WIDGET_METRICS))}, status=400
            )
        from bot.web.app import client_address  # the same address rule as for messages

        if ctx.client_limiter.hit(ctx.keyer(client_address(request))):
            return empty(status=429)
        self.count_turn(data.get("campaign"), (event,))
        return empty(status=204)

    def attach(self, app: Sanic, preflight) -> None:
        """Register the routes and the start/stop of the counters on `app`."""
        app.add_route(self.serve_widget, "/widget.js", methods=["GET"], name="widget_js")
        app.add_route(self.post_count, "/api/count", methods=["POST"], name="count")
        app.add_route(preflight, "/api/count", methods=["OPTIONS"], name="count_preflight")
        app.register_listener(self.start, "after_server_start")
        app.register_listener(self.stop, "before_server_stop")
        app.ctx.campaign = self
