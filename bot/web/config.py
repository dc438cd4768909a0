"""Settings of the web front, read once from environment variables at start-up.

| variable | default | meaning |
|---|---|---|
| `WEB_HOST` | `127.0.0.1` | address to listen on (put a TLS proxy in front; `0.0.0.0` to listen on all) |
| `WEB_PORT` | `8000` | port to listen on |
| `WEB_WORKERS` | `1` | sanic worker processes (limits below are per worker) |
| `RASA_URL` | `http://127.0.0.1:5005` | Rasa server; only its REST channel webhook is called |
| `RASA_URLS` | (none) | several Rasa replicas, comma-separated (`http://rasa-1:5005,http://rasa-2:5005`): used in turn, the next one when one cannot be reached; replaces `RASA_URL`. The replicas must share a tracker store and the Redis lock store (`endpoints.scaled.yml`) |
| `WEB_MAX_MESSAGE_CHARS` | `1000` | longest message forwarded; longer ones get a friendly reply |
| `WEB_MAX_BODY_BYTES` | `32768` | request size limit (larger requests get 413) |
| `WEB_RATE_CONVERSATION` | `20` | messages per window per conversation |
| `WEB_RATE_CLIENT` | `120` | messages per window per client address (hashed, never stored) |
| `WEB_RATE_WINDOW` | `60` | rate-limit window in seconds |
| `WEB_RASA_CONCURRENCY` | `16` | requests to Rasa at the same time (over all replicas) |
| `WEB_RASA_QUEUE_TIMEOUT` | `5` | seconds a message may wait for a free slot before "busy" |
| `WEB_RASA_TIMEOUT` | `15` | seconds Rasa may take to answer before "busy" |
| `WEB_CORS_ORIGINS` | (none) | comma-separated origins allowed to call the API (sites embedding the widget) |
| `WEB_FRAME_ANCESTORS` | `'none'` | CSP frame-ancestors of the pages; the chat's frame page `/chat` gets `'self'` plus the host origins listed here, space-separated (`https://www.example.se https://kampanj.example.se`): the sites that may embed the chat (widget.js) |
| `WEB_EXIT_URL` | `https://www.google.se` | neutral page the quick exit goes to |
| `WEB_PROXIES_COUNT` | `0` | reverse proxies in front, one after the other (to read the client address from X-Forwarded-For) |
| `WEB_TRUSTED_PROXIES` | loopback and private networks | comma-separated addresses or networks (`10.0.0.0/8,::1`) of those proxies: X-Forwarded-For is read only when the connection comes from one of them, and each hop it names must be one too (`bot.web.security.client_address`) |
| `WEB_ID_SECRET` | (random at start-up) | key of the conversation ids' HMAC (`bot.web.ids`), at least 16 characters. Unset: a random key, so ids do not survive a restart (the widget then starts a new conversation). Several web fronts behind one address must share it |
| `WEB_ID_TTL_HOURS` | `24` | hours a conversation id is valid |
| `WEB_NEW_IDS_PER_MINUTE` | `10` | new conversation ids per minute per client address (IPv4 address; IPv6 /64) |
| `WEB_NEW_IDS_PER_MINUTE_48` | `40` | new conversation ids per minute per IPv6 /48 (one site or provider block) |
| `WEB_RETENTION_DAYS` | `30` | days stored conversations are kept (shown in the privacy notice) |
| `WEB_LOG_LEVEL` | `INFO` | log level of the web front's own logger |
| `WEB_CAMPAIGNS` | `content/campaigns.yml` | campaign entry points: openers and quick replies (`bot.domain.campaigns`) |
| `WEB_COUNTS_DB` | (see meaning) | where the campaign counters are added up: an SQLAlchemy URL, or `off`; unset: the tracker store's PostgreSQL when `DB_HOST` is set (the variables of endpoints.scaled.yml), else SQLite `var/campaign_counts.db` (`bot.domain.campaign_counts.counts_url`) |
| `WEB_COUNTS_FLUSH_SECONDS` | `10` | how often the counters kept in memory are added to the database |
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from typing import Callable, Mapping, Tuple
from urllib.parse import urlsplit

from bot.paths import CONTENT


def _int(minimum: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        value = int(raw)
        if value < minimum:
            raise ValueError(f"must be at least {minimum}")
        return value

    return parse


def _float(raw: str) -> float:
    value = float(raw)
    if not value > 0:
        raise ValueError("must be a positive number")
    return value


def _http_url(raw: str) -> str:
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http(s) URL")
    return raw.strip().rstrip("/") if parts.path in ("", "/") else raw.strip()


def _http_urls(raw: str) -> Tuple[str, ...]:
    urls = tuple(_http_url(u) for u in raw.split(",") if u.strip())
    if not urls:
        raise ValueError("must be one or more comma-separated http(s) URLs")
    return urls


def _origins(raw: str) -> Tuple[str, ...]:
    origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
            raise ValueError(f"{origin!r} is not an origin like https://www.example.se")
    return origins


def _networks(raw: str) -> Tuple[str, ...]:
    networks = tuple(n.strip() for n in raw.split(",") if n.strip())
    for network in networks:
        ipaddress.ip_network(network, strict=False)  # ValueError names the bad value
    return networks


def _secret(raw: str) -> str:
    if len(raw.strip()) < 16:
        raise ValueError("must be at least 16 characters (use e.g. `openssl rand -base64 32`)")
    return raw.strip()


def _text(raw: str) -> str:
    value = raw.strip()
    if not value or any(c in value for c in ";\r\n"):
        raise ValueError("must be a non-empty CSP source list")
    return value


# Where a reverse proxy usually sits: this host and the private networks (a container network).
DEFAULT_TRUSTED_PROXIES = ("127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")

# attribute name -> (environment variable, parser)
_ENV = {
    "host": ("WEB_HOST", str.strip),
    "port": ("WEB_PORT", _int(1)),
    "workers": ("WEB_WORKERS", _int(1)),
    "rasa_url": ("RASA_URL", _http_url),
    "rasa_urls": ("RASA_URLS", _http_urls),
    "max_message_chars": ("WEB_MAX_MESSAGE_CHARS", _int(1)),
    "max_body_bytes": ("WEB_MAX_BODY_BYTES", _int(1024)),
    "rate_conversation": ("WEB_RATE_CONVERSATION", _int(1)),
    "rate_client": ("WEB_RATE_CLIENT", _int(1)),
    "rate_window": ("WEB_RATE_WINDOW", _float),
    "rasa_concurrency": ("WEB_RASA_CONCURRENCY", _int(1)),
    "rasa_queue_timeout": ("WEB_RASA_QUEUE_TIMEOUT", _float),
    "rasa_timeout": ("WEB_RASA_TIMEOUT", _float),
    "cors_origins": ("WEB_CORS_ORIGINS", _origins),
    "frame_ancestors": ("WEB_FRAME_ANCESTORS", _text),
    "exit_url": ("WEB_EXIT_URL", _http_url),
    "proxies_count": ("WEB_PROXIES_COUNT", _int(0)),
    "trusted_proxies": ("WEB_TRUSTED_PROXIES", _networks),
    "id_secret": ("WEB_ID_SECRET", _secret),
    "id_ttl_hours": ("WEB_ID_TTL_HOURS", _float),
    "new_ids_per_minute": ("WEB_NEW_IDS_PER_MINUTE", _int(1)),
    "new_ids_per_minute_48": ("WEB_NEW_IDS_PER_MINUTE_48", _int(1)),
    "retention_days": ("WEB_RETENTION_DAYS", _int(1)),
    "log_level": ("WEB_LOG_LEVEL", lambda raw: raw.strip().upper()),
    "campaigns_file": ("WEB_CAMPAIGNS", str.strip),
    "counts_db": ("WEB_COUNTS_DB", str.strip),
    "counts_flush_seconds": ("WEB_COUNTS_FLUSH_SECONDS", _float),
}


@dataclass(frozen=True)
class Settings:
    """All settings of the web front; `Settings.from_env()` reads them from the environment."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_urls: Tuple[str, ...] = field(default_factory=tuple)
    max_message_chars: int = 1000
    max_body_bytes: int = 32768
    rate_conversation: int = 20
    rate_client: int = 120
    rate_window: float = 60.0
    rasa_concurrency: int = 16
    rasa_queue_timeout: float = 5.0
    rasa_timeout: float = 15.0
    cors_origins: Tuple[str, ...] = field(default_factory=tuple)
    frame_ancestors: str = "'none'"
    exit_url: str = "https://www.google.se"
    proxies_count: int = 0
    trusted_proxies: Tuple[str, ...] = DEFAULT_TRUSTED_PROXIES
    id_secret: str = field(default="", repr=False)
    id_ttl_hours: float = 24.0
    new_ids_per_minute: int = 10
    new_ids_per_minute_48: int = 40
    retention_days: int = 30
    log_level: str = "INFO"
    campaigns_file: str = str(CONTENT / "campaigns.yml")
    counts_db: str = ""
    counts_flush_seconds: float = 10.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        """Read every variable that is set and non-empty; a bad value stops start-up with its name."""
        values = {}
        for attribute, (name, parse) in _ENV.items():
            raw = env.get(name, "")
            if raw.strip():
                try:
                    values[attribute] = parse(raw)
                except ValueError as error:
                    raise SystemExit(f"Bad value for {name}={raw!r}: {error}") from None
        # No WEB_ID_SECRET: one random key, made here so that every worker process shares it.
        values.setdefault("id_secret", secrets.token_urlsafe(32))
        return cls(**values)

    @property
    def webhook_url(self) -> str:
        """Rasa's REST channel endpoint (of the first replica when there are several)."""
        return self.webhook_urls[0]

    @property
    def webhook_urls(self) -> Tuple[str, ...]:
        """Rasa's REST channel endpoint on every replica: from RASA_URLS if set, else RASA_URL."""
        return tuple(url.rstrip("/") + "/webhooks/rest/webhook" for url in (self.rasa_urls or (self.rasa_url,)))

    @property
    def client_timeout_ms(self) -> int:
        """How long the widget waits for an answer: longer than the server's own worst case."""
        return int((self.rasa_queue_timeout + self.rasa_timeout + 5) * 1000)
