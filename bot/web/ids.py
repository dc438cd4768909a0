"""Conversation ids issued by the web front: `<random>.<expiry>.<mac>`, checked without a database.

The server owns the conversation id. `IdIssuer.issue()` makes a token of 22 random base64url
characters (132 bits), its expiry in unix seconds and an HMAC-SHA256 (base64url, no padding) over
"random.expiry" with the server secret (`WEB_ID_SECRET`; when unset a random one made at start-up, so
ids do not survive a restart). `IdIssuer.check(token)` accepts only a well-formed token whose MAC
matches (compared with `hmac.compare_digest`), whose expiry has not passed and that has not been
deleted. A guessed, forged, expired or deleted id gives nothing.

Deleted ids are remembered in memory (`DeletedIds`) until their own expiry, bounded in number: when
the bound is reached the ids closest to expiry are dropped first. With several replicas of the web
front each remembers only the ids deleted through it; the conversation itself is gone from the
shared tracker store everywhere.

Plain Python, no Rasa or sanic imports.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import re
import secrets
import time
from typing import Callable, Dict, List, Optional, Tuple

RANDOM_BYTES = 16  # 22 base64url characters without padding (the first 128 bits plus 4 zero bits)
RANDOM_CHARS = 22
TOKEN_PATTERN = re.compile(r"^([A-Za-z0-9_-]{22})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$")
MAX_TOKEN_CHARS = 22 + 1 + 12 + 1 + 43


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def secret_from(raw: Optional[str]) -> bytes:
    """The HMAC key: the configured secret's bytes, or 32 random bytes when it is empty."""
    return raw.encode("utf-8") if raw else secrets.token_bytes(32)


class DeletedIds:
    """Random parts of deleted tokens, each kept until its token's expiry; at most `max_ids`."""

    def __init__(self, max_ids: int = 100_000, clock: Callable[[], float] = time.time) -> None:
        self.max_ids = max_ids
        self._clock = clock
        self._expiry: Dict[str, int] = {}
        self._heap: List[Tuple[int, str]] = []

    def add(self, random_part: str, expires_at: int) -> None:
        self._drop_expired()
        if random_part in self._expiry:
            return
        while len(self._expiry) >= self.max_ids and self._heap:
            _, oldest = heapq.heappop(self._heap)
            self._expiry.pop(oldest, None)
        self._expiry[random_part] = expires_at
        heapq.heappush(self._heap, (expires_at, random_part))

    def __contains__(self, random_part: str) -> bool:
        return random_part in self._expiry

    def __len__(self) -> int:
        return len(self._expiry)

    def _drop_expired(self) -> None:
        now = self._clock()
        while self._heap and self._heap[0][0] <= now:
            _, random_part = heapq.heappop(self._heap)
            self._expiry.pop(random_part, None)


class IdIssuer:
    """Issues and checks conversation tokens with one secret."""

    def __init__(
        self,
        secret: bytes,
        ttl_seconds: int = 24 * 3600,
        max_deleted: int = 100_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if len(secret) < 16:
            raise ValueError("the id secret must be at least 16 bytes")
        self._secret = secret
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self.deleted = DeletedIds(max_deleted, clock)

    def _mac(self, random_part: str, expiry: str) -> str:
        return _b64(hmac.new(self._secret, f"{random_part}.{expiry}".encode("ascii"), hashlib.sha256).digest())

    def issue(self) -> Tuple[str, int]:
        """A new token and its expiry (unix seconds)."""
        random_part = _b64(secrets.token_bytes(RANDOM_BYTES))
        expires_at = int(self._clock()) + self.ttl_seconds
        return f"{random_part}.{expires_at}.{self._mac(random_part, str(expires_at))}", expires_at

    def verify(self, token: object) -> Optional[Tuple[str, int]]:
        """(random part, expiry) of an authentic, unexpired token (deleted or not), else None."""
        if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS:
            return None
        match = TOKEN_PATTERN.match(token)
        if match is None:
            return None
        random_part, expiry, mac = match.groups()
        if not hmac.compare_digest(self._mac(random_part, expiry).encode("ascii"), mac.encode("ascii")):
            return None
        expires_at = int(expiry)
        if expires_at <= self._clock():
            return None
        return random_part, expires_at

    def check(self, token: object) -> bool:
        """True for an authentic, unexpired token that has not been deleted."""
        found = self.verify(token)
        return found is not None and found[0] not in self.deleted

    def mark_deleted(self, token: object) -> bool:
        """Refuse `token` from now on (until its expiry); False when it was not valid anyway."""
        found = self.verify(token)
        if found is None or found[0] in self.deleted:
            return False
        self.deleted.add(*found)
        return True
