"""In-memory rate limits, per conversation and per client, without keeping client addresses.

`ClientKeyer` turns a client address into a keyed hash (HMAC-SHA256 with a random secret made at
start-up and never written anywhere), so the limiter's memory holds no IP address and the hashes
cannot be reversed by trying all addresses. IPv6 addresses are keyed on their /64 network, which is
what one household or phone usually gets; `ClientKeyer.wide(address)` keys an IPv6 address on its
/48 (one site or provider block; None for IPv4), for a looser second limit on new conversations.

`SlidingWindowLimiter` allows `limit` hits per `window` seconds per key; entries that have expired
are swept out, and the number of keys is capped so memory stays bounded under a flood.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time
from collections import deque
from typing import Callable, Deque, Dict, Hashable, Optional

from bot.web.security import parse_ip


class ClientKeyer:
    """Keyed, one-way hashes of client addresses."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def __call__(self, address: str) -> bytes:
        return self._hash(_network(address, 64) or address)

    def wide(self, address: str) -> Optional[bytes]:
        """The key of an IPv6 address's /48; None for IPv4 and what is not an address."""
        network = _network(address, 48)
        return self._hash("/48 " + network) if network and ":" in network else None

    def _hash(self, normalised: str) -> bytes:
        return hmac.new(self._secret, normalised.encode("utf-8", "replace"), hashlib.sha256).digest()[:16]


def _network(address: str, prefix: int) -> Optional[str]:
    """An IPv4 address as it is, an IPv6 address as its /`prefix` network; None if not an address."""
    ip = parse_ip(address)
    if ip is None:
        return None
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False)) if ip.version == 6 else str(ip)


class SlidingWindowLimiter:
    """At most `limit` hits per `window` seconds per key."""

    def __init__(
        self,
        limit: int,
        window: float,
        max_keys: int = 200_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._clock = clock
        self._hits: Dict[Hashable, Deque[float]] = {}
        self._next_sweep = clock() + window

    def hit(self, key: Hashable) -> float:
        """Record a hit if allowed and return 0; otherwise return the seconds to wait."""
        now = self._clock()
        if now >= self._next_sweep or len(self._hits) >= self.max_keys:
            self._sweep(now)
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return max(hits[0] + self.window - now, 0.001)
        hits.append(now)
        return 0.0

    def __len__(self) -> int:
        return len(self._hits)

    def _sweep(self, now: float) -> None:
        """Drop keys with no hit inside the window; under a flood drop the oldest keys too."""
        cutoff = now - self.window
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= cutoff]:
            del self._hits[key]
        overflow = len(self._hits) - self.max_keys // 2
        if overflow > 0 and len(self._hits) >= self.max_keys:
            for key in list(self._hits)[:overflow]:
                del self._hits[key]
        self._next_sweep = now + self.window
