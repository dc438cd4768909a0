"""The sanic application: the chat page, the widget's files and POST /api/message.

POST /api/message takes {"conversation_id": "<uuid4 hex>", "message": "..."} and answers
{"messages": [{"text": ..., "buttons": [{"title", "payload"}]}]}, always HTTP 200 when the message
was understood, even if Rasa is busy or down (then with "fallback": "busy" | "unavailable" and a
Swedish text with 112 and Kvinnofridslinjen). Other answers: 400 bad JSON or fields, 403 origin not
allowed, 413 too large, 415 not JSON, 429 rate limited ("Vänta lite …"); each has "error" (English,
for developers) and "messages" (Swedish, for the person), and every text carries 112.

Safety is never skipped: a message the front does not pass on (too long, rate limited) is first
read by `bot.safety.screen` (its first and last 1 000 characters); crisis, danger or a child at risk
gets the same answer as from Rasa (read from domain.yml), with "safety": "<intent>", HTTP 200.

Campaigns (`bot.web.campaign`): widget.js carries today's campaign openers, POST /api/count takes
the widget's counter events, and each answered message adds the counters Rasa reported.

No cookies are set, the access log is off, and the client address is only used as a keyed hash in
the rate limiter's memory.
"""
from __future__ import annotations

import json as jsonlib
import logging
import math
from pathlib import Path
from typing import Dict, Optional, Tuple

from sanic import Sanic
from sanic.handlers import ErrorHandler
from sanic.request import Request
from sanic.response import HTTPResponse, empty, json, raw

from bot import safety
from bot.campaign_counts import SAFETY
from bot.web import texts
from bot.web.campaign import CampaignFront
from bot.web.config import Settings
from bot.web.ratelimit import ClientKeyer, SlidingWindowLimiter
from bot.web.relay import BUSY, OK, RasaRelay
from bot.web.security import cors_headers, is_same_origin, security_headers
from bot.web.validation import BadRequest, clean_text, parse_message

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"

# URL -> (file in static/, content type)
ASSETS = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/widget.js": ("widget.js", "text/javascript; charset=utf-8"),
    "/widget.css": ("widget.css", "text/css; charset=utf-8"),
    "/static/page.css": ("page.css", "text/css; charset=utf-8"),
    "/static/favicon.svg": ("favicon.svg", "image/svg+xml"),
}

_ERRORS = {
    403: "origin not allowed",
    404: "not found",
    405: "method not allowed",
    408: "request timeout",
    413: "request too large",
    415: "send the message as application/json",
}


def widget_config(settings: Settings) -> str:
    """The settings the widget needs, as a JS object literal."""
    return jsonlib.dumps(
        {
            "exitUrl": settings.exit_url,
            "maxLength": settings.max_message_chars,
            "timeoutMs": settings.client_timeout_ms,
            "retentionDays": settings.retention_days,
            "safetyLines": texts.SAFETY_LINES,
        },
        ensure_ascii=True,
    )


def load_assets(settings: Settings) -> Dict[str, Tuple[bytes, str]]:
    """Read the static files once; the widget gets the configured settings spliced in."""
    assets = {}
    for url, (name, content_type) in ASSETS.items():
        body = (STATIC_DIR / name).read_text(encoding="utf-8")
        if name == "widget.js":
            start, end = body.index("/*CONFIG*/"), body.index("/*END*/")
            body = body[:start] + widget_config(settings) + body[end + len("/*END*/"):]
        assets[url] = (body.encode("utf-8"), content_type)
    return assets


def error_response(status: int, error: str, text: str = texts.BAD_REQUEST, **headers: str) -> HTTPResponse:
    """A JSON error for developers with a Swedish text for the person."""
    return json({"error": error, "messages": [{"text": text}]}, status=status, headers=headers)


class JsonErrorHandler(ErrorHandler):
    """JSON answers for every error; no request details (and never a client address) in the log."""

    def default(self, request: Optional[Request], exception: Exception) -> HTTPResponse:
        status = getattr(exception, "status_code", 500) or 500
        if status >= 500:
            logger.error("Unhandled error: %s", type(exception).__name__, exc_info=exception)
            return error_response(500, "internal error", texts.SERVER_ERROR)
        return error_response(status, _ERRORS.get(status, "bad request"))


def client_address(request: Request) -> str:
    """The client's address (from X-Forwarded-For only when WEB_PROXIES_COUNT trusts proxies)."""
    return request.remote_addr or request.ip or ""


def safety_reply(app_ctx, text: str) -> Optional[Tuple[str, list]]:
    """(intent, messages) when the text needs a safety answer the front must give itself."""
    intent = safety.screen(text, app_ctx.safety_rules)
    return (intent, [{"text": app_ctx.safety_answers[intent]}]) if intent else None


async def post_message(request: Request) -> HTTPResponse:
    """Validate, rate-limit and relay one message to Rasa."""
    ctx = request.app.ctx
    settings: Settings = ctx.settings
    origin = request.headers.get("origin")
    if origin and not is_same_origin(origin, request.host) and not cors_headers(origin, settings.cors_origins):
        return error_response(403, _ERRORS[403])
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        return error_response(415, _ERRORS[415])
    try:
        conversation_id, message, campaign = parse_message(request.body)
    except BadRequest as error:
        return error_response(400, str(error))

    text = clean_text(message)
    client = ctx.keyer(client_address(request))
    wait = ctx.client_limiter.hit(client) or ctx.conversation_limiter.hit(conversation_id)
    if wait:
        # A crisis is never just rate-limited away.
        if reply := safety_reply(ctx, text):
            ctx.campaign.count_turn(campaign, [SAFETY])
            return json({"messages": reply[1], "safety": reply[0], "rate_limited": True})
        return json(
            {"messages": [{"text": texts.RATE_LIMITED}], "rate_limited": True},
            status=429,
            headers={"Retry-After": str(math.ceil(wait))},
        )

    if not text:
        return json({"messages": [{"text": texts.EMPTY}], "notice": "empty"})
    if len(text) > settings.max_message_chars:
        if reply := safety_reply(ctx, text):
            ctx.campaign.count_turn(campaign, [SAFETY])
            note = {"text": texts.too_long_note(settings.max_message_chars)}
            return json({"messages": reply[1] + [note], "safety": reply[0], "notice": "too_long"})
        return json({"messages": [{"text": texts.too_long(settings.max_message_chars)}], "notice": "too_long"})

    result = await ctx.relay.send(conversation_id, text)
    if result.outcome == OK:
        ctx.campaign.count_turn(campaign, result.counts)  # campaign counters: an increment in memory
        return json({"messages": result.messages})
    fallback_text = texts.BUSY if result.outcome == BUSY else texts.UNAVAILABLE
    return json({"messages": [{"text": fallback_text}], "fallback": result.outcome})


async def preflight(request: Request) -> HTTPResponse:
    """CORS preflight for sites that embed the widget."""
    headers = cors_headers(request.headers.get("origin"), request.app.ctx.settings.cors_origins, preflight=True)
    return empty(status=204 if headers else 403, headers=headers)


async def health(request: Request) -> HTTPResponse:
    """Liveness of the web front itself (does not call Rasa)."""
    return json({"status": "ok"})


def create_app(settings: Optional[Settings] = None, name: str = "jamchat_web") -> Sanic:
    """Build the application (call once per process)."""
    settings = settings or Settings.from_env()
    app = Sanic(name, error_handler=JsonErrorHandler())
    app.config.update(
        {
            "ACCESS_LOG": False,
            "MOTD": False,
            "REQUEST_MAX_SIZE": settings.max_body_bytes,
            "REQUEST_TIMEOUT": 10,
            "RESPONSE_TIMEOUT": settings.client_timeout_ms / 1000,
            "PROXIES_COUNT": settings.proxies_count or None,
            "FALLBACK_ERROR_FORMAT": "json",
        }
    )
    app.ctx.settings = settings
    # Read at start-up: without the safety rules and answers the front does not start.
    app.ctx.safety_rules = safety.load_rules()
    app.ctx.safety_answers = safety.answers()
    assets = load_assets(settings)

    # widget.js is served by the campaign front: today's campaign openers are spliced in.
    CampaignFront(settings, (STATIC_DIR / "widget.js").read_text(encoding="utf-8"),
                  widget_config(settings)).attach(app, preflight)
    for index, (url, (body, content_type)) in enumerate(assets.items()):
        if url == "/widget.js":
            continue
        async def serve(request: Request, _body: bytes = body, _type: str = content_type) -> HTTPResponse:
            return raw(_body, content_type=_type)

        app.add_route(serve, url, methods=["GET"], name=f"asset_{index}")
    app.add_route(post_message, "/api/message", methods=["POST"], name="message")
    app.add_route(preflight, "/api/message", methods=["OPTIONS"], name="message_preflight")
    app.add_route(health, "/healthz", methods=["GET"], name="health")

    @app.listener("before_server_start")
    async def start(app: Sanic, _loop=None) -> None:  # _loop: only sanic 21.12 passes it
        app.ctx.keyer = ClientKeyer()
        app.ctx.client_limiter = SlidingWindowLimiter(settings.rate_client, settings.rate_window)
        app.ctx.conversation_limiter = SlidingWindowLimiter(settings.rate_conversation, settings.rate_window)
        app.ctx.relay = RasaRelay(
            settings.webhook_urls, settings.rasa_concurrency, settings.rasa_queue_timeout, settings.rasa_timeout
        )
        await app.ctx.relay.start()

    @app.listener("after_server_stop")
    async def stop(app: Sanic, _loop=None) -> None:
        await app.ctx.relay.close()

    @app.on_response
    async def add_headers(request: Request, response: HTTPResponse) -> None:
        path = request.path if request else ""
        response.headers.update(security_headers(path, settings.frame_ancestors))
        if path.startswith("/api/") and request.method != "OPTIONS":
            response.headers.update(cors_headers(request.headers.get("origin"), settings.cors_origins))

    return app
