"""The sanic application: the chat page, the widget's files and the API.

The server owns the conversation id (`bot.web.ids`): POST /api/conversation (body empty or `{}`)
answers {"conversation_id": TOKEN, "expires_at": <unix seconds>}, rate-limited per client address
(`WEB_NEW_IDS_PER_MINUTE`; IPv6 per /64 and, looser, per /48) with 429. POST /api/delete
{"conversation_id": TOKEN} (JSON, or text/plain from navigator.sendBeacon) has Rasa delete the
conversation (the payload `/delete_conversation`) and refuses the id from then on: {"deleted": true};
a forged, expired or already deleted id gets {"deleted": false} and touches nothing.

POST /api/message takes {"conversation_id": TOKEN, "message": "..."} and answers
{"messages": [{"text": ..., "buttons": [{"title", "payload"}]}]}, always HTTP 200 when the message
was understood, even if Rasa is busy or down (then with "fallback": "busy" | "unavailable" and a
Swedish text with 112 and Kvinnofridslinjen). Other answers: 400 bad JSON or fields, 403 origin not
allowed, 413 too large, 415 not JSON, 429 rate limited ("Vänta lite …"), 401 "conversation_expired"
when the id is not one the front issued, has expired or was deleted (the widget then asks for a new
one); each has "error" (English, for developers) and "messages" (Swedish, for the person), and every
text carries 112. When Rasa deleted the conversation (typed "radera mitt samtal"), the answer has
"conversation_deleted": true and the id is refused from then on.

Safety is never skipped: a message the front does not pass on (too long, rate limited) is first
read by `bot.domain.safety.screen` (its first and last 1 000 characters); crisis, danger or a child at risk
gets the same answer as from Rasa (read from domain.yml), with "safety": "<intent>", HTTP 200 –
also with an expired or unknown id (then with "conversation_expired": true), never only a 401.

Campaigns (`bot.web.campaign`): widget.js carries today's campaign openers, POST /api/count takes
the widget's counter events, and each answered message adds the counters Rasa reported.

No cookies are set, the access log is off, and the client address is only used as a keyed hash in
the rate limiter's memory. X-Forwarded-For is read only from trusted proxies
(`bot.web.security.client_address`).
"""

from __future__ import annotations

import datetime as dt
import json as jsonlib
import logging
import math
from pathlib import Path
from typing import Dict, Optional, Tuple

from sanic import Sanic
from sanic.handlers import ErrorHandler
from sanic.request import Request
from sanic.response import HTTPResponse, empty, json, raw

from bot.domain import safety
from bot.domain.campaign_counts import SAFETY
from bot.web import texts
from bot.web.campaign import CampaignFront
from bot.web.config import Settings
from bot.web.ids import IdIssuer, secret_from
from bot.web.ratelimit import ClientKeyer, SlidingWindowLimiter
from bot.web.relay import BUSY, OK, RasaRelay
from bot.web.security import client_address as find_client_address
from bot.web.security import cors_headers, is_same_origin, security_headers, trusted_networks
from bot.web.validation import BadRequest, clean_text, parse_message

logger = logging.getLogger(__name__)

# What POST /api/delete sends Rasa: the intent its conversation store deletes on (bot.rasa_plugins.tracker_store).
DELETE_PAYLOAD = "/delete_conversation"

STATIC_DIR = Path(__file__).parent / "static"

# URL -> (file in static/, content type)
ASSETS = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/chat": ("chat.html", "text/html; charset=utf-8"),  # the chat's frame page (widget.js on other sites)
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
            body = body[:start] + widget_config(settings) + body[end + len("/*END*/") :]
        assets[url] = (body.encode("utf-8"), content_type)
    return assets


class ChatScript:
    """GET /chat.js: the chat itself (run on the chat page and in the frame), with the settings and
    today's campaign openers spliced in as for widget.js (rebuilt when the date changes)."""

    def __init__(self, front: CampaignFront, template: str) -> None:
        self.front, self.template = front, template
        self._day: Optional[dt.date] = None
        self._body = b""

    def body(self) -> bytes:
        today = dt.date.today()
        if today != self._day:
            config = dict(
                jsonlib.loads(widget_config(self.front.settings)),
                campaigns=self.front.book.openers(today),
                contactHosts=self.front.hosts,
            )
            start, end = self.template.index("/*CONFIG*/"), self.template.index("/*END*/")
            text = (
                self.template[:start] + jsonlib.dumps(config, ensure_ascii=True) + self.template[end + len("/*END*/") :]
            )
            self._body, self._day = text.encode("utf-8"), today
        return self._body

    async def serve(self, request: Request) -> HTTPResponse:
        return raw(self.body(), content_type="text/javascript; charset=utf-8")


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
    """The client's address: the connection's, or from X-Forwarded-For when the connection comes
    from a trusted proxy (WEB_PROXIES_COUNT, WEB_TRUSTED_PROXIES)."""
    ctx = request.app.ctx
    return find_client_address(
        request.ip or "", request.headers.get("x-forwarded-for"), ctx.settings.proxies_count, ctx.trusted_proxies
    )


def origin_refused(request: Request) -> bool:
    """A cross-origin call from an origin not in WEB_CORS_ORIGINS."""
    origin = request.headers.get("origin")
    return (
        bool(origin)
        and not is_same_origin(origin, request.host)
        and not cors_headers(origin, request.app.ctx.settings.cors_origins)
    )


def expired_response() -> HTTPResponse:
    return error_response(401, "conversation_expired", texts.CONVERSATION_EXPIRED)


def safety_reply(app_ctx, text: str) -> Optional[Tuple[str, list]]:
    """(intent, messages) when the text needs a safety answer the front must give itself."""
    intent = safety.screen(text, app_ctx.safety_rules)
    return (intent, [{"text": app_ctx.safety_answers[intent]}]) if intent else None


async def post_message(request: Request) -> HTTPResponse:
    """Validate, rate-limit and relay one message to Rasa."""
    ctx = request.app.ctx
    settings: Settings = ctx.settings
    if origin_refused(request):
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
    wait = ctx.client_limiter.hit(client)
    if not wait and not ctx.ids.check(conversation_id):
        # Safety first: a crisis gets its answer even when the id is stale, forged or deleted.
        if reply := safety_reply(ctx, text):
            ctx.campaign.count_turn(campaign, [SAFETY])
            return json({"messages": reply[1], "safety": reply[0], "conversation_expired": True})
        return expired_response()
    wait = wait or ctx.conversation_limiter.hit(conversation_id)
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
        if result.deleted:  # "radera mitt samtal": the id is refused from now on
            ctx.ids.mark_deleted(conversation_id)
            return json({"messages": result.messages, "conversation_deleted": True})
        return json({"messages": result.messages})
    fallback_text = texts.BUSY if result.outcome == BUSY else texts.UNAVAILABLE
    return json({"messages": [{"text": fallback_text}], "fallback": result.outcome})


def _small_json_object(request: Request) -> Optional[dict]:
    """The body of /api/conversation and /api/delete as a dict ({} when empty), sent as JSON or as
    text/plain (navigator.sendBeacon); None when it is something else."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in ("", "application/json", "text/plain"):
        return None
    if not request.body or not request.body.strip():
        return {}
    try:
        data = jsonlib.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


async def post_conversation(request: Request) -> HTTPResponse:
    """A new conversation id, at most WEB_NEW_IDS_PER_MINUTE per client address."""
    ctx = request.app.ctx
    if origin_refused(request):
        return error_response(403, _ERRORS[403])
    if _small_json_object(request) != {}:
        return error_response(400, "send an empty body or {}")
    address = client_address(request)
    wait = ctx.new_id_limiter.hit(ctx.keyer(address))
    wide = ctx.keyer.wide(address)
    if not wait and wide is not None:
        wait = ctx.new_id_limiter_48.hit(wide)
    if wait:
        return json(
            {"error": "too many new conversations", "messages": [{"text": texts.TOO_MANY_NEW}]},
            status=429,
            headers={"Retry-After": str(math.ceil(wait))},
        )
    token, expires_at = ctx.ids.issue()
    return json({"conversation_id": token, "expires_at": expires_at})


async def post_delete(request: Request) -> HTTPResponse:
    """Delete a conversation on the server (Rasa deletes its rows) and refuse its id from now on."""
    ctx = request.app.ctx
    if origin_refused(request):
        return error_response(403, _ERRORS[403])
    data = _small_json_object(request)
    if data is None:
        return error_response(400, "send {\"conversation_id\": ...} as JSON or text/plain")
    token = data.get("conversation_id")
    if ctx.client_limiter.hit(ctx.keyer(client_address(request))):
        return json({"deleted": False, "error": "rate limited", "messages": [{"text": texts.RATE_LIMITED}]}, status=429)
    if not ctx.ids.check(token):
        return json({"deleted": False})  # forged, expired or deleted already: nothing is touched
    result = await ctx.relay.send(token, DELETE_PAYLOAD)
    if result.outcome != OK:  # not deleted yet: the id stays valid so that it can be tried again
        return json({"deleted": False, "error": result.outcome, "messages": [{"text": texts.UNAVAILABLE}]}, status=503)
    ctx.ids.mark_deleted(token)
    ctx.relay.forget(token)
    return json({"deleted": True})


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
            # X-Forwarded-For is read by client_address, only from trusted proxies; not by sanic.
            "PROXIES_COUNT": None,
            "FALLBACK_ERROR_FORMAT": "json",
        }
    )
    app.ctx.settings = settings
    app.ctx.trusted_proxies = trusted_networks(settings.trusted_proxies)
    # Without WEB_ID_SECRET a random key: ids then do not survive a restart (see bot.web.ids).
    app.ctx.ids = IdIssuer(secret_from(settings.id_secret), int(settings.id_ttl_hours * 3600))
    # Read at start-up: without the safety rules and answers the front does not start.
    app.ctx.safety_rules = safety.load_rules()
    app.ctx.safety_answers = safety.answers()
    assets = load_assets(settings)

    # widget.js is served by the campaign front: today's campaign openers are spliced in.
    CampaignFront(settings, (STATIC_DIR / "widget.js").read_text(encoding="utf-8"), widget_config(settings)).attach(
        app, preflight
    )
    chat_js = ChatScript(app.ctx.campaign, (STATIC_DIR / "chat.js").read_text(encoding="utf-8"))
    app.add_route(chat_js.serve, "/chat.js", methods=["GET"], name="chat_js")
    for index, (url, (body, content_type)) in enumerate(assets.items()):
        if url == "/widget.js":
            continue

        async def serve(request: Request, _body: bytes = body, _type: str = content_type) -> HTTPResponse:
            return raw(_body, content_type=_type)

        app.add_route(serve, url, methods=["GET"], name=f"asset_{index}")
    app.add_route(post_message, "/api/message", methods=["POST"], name="message")
    app.add_route(preflight, "/api/message", methods=["OPTIONS"], name="message_preflight")
    app.add_route(post_conversation, "/api/conversation", methods=["POST"], name="conversation")
    app.add_route(preflight, "/api/conversation", methods=["OPTIONS"], name="conversation_preflight")
    app.add_route(post_delete, "/api/delete", methods=["POST"], name="delete")
    app.add_route(preflight, "/api/delete", methods=["OPTIONS"], name="delete_preflight")
    app.add_route(health, "/healthz", methods=["GET"], name="health")

    @app.listener("before_server_start")
    async def start(app: Sanic, _loop=None) -> None:  # _loop: only sanic 21.12 passes it
        app.ctx.keyer = ClientKeyer()
        app.ctx.client_limiter = SlidingWindowLimiter(settings.rate_client, settings.rate_window)
        app.ctx.conversation_limiter = SlidingWindowLimiter(settings.rate_conversation, settings.rate_window)
        app.ctx.new_id_limiter = SlidingWindowLimiter(settings.new_ids_per_minute, 60.0)
        app.ctx.new_id_limiter_48 = SlidingWindowLimiter(settings.new_ids_per_minute_48, 60.0)
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
