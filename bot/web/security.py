"""Security headers and CORS for every response of the web front.

The Content-Security-Policy allows only this server's own scripts, styles, images and API
(no inline script, no third party); frame-ancestors comes from `WEB_FRAME_ANCESTORS` (the chat's frame
page /chat: 'self' and the host origins listed there). Pages and API
answers are `no-store`, so nothing of a conversation stays in the browser's HTTP cache. The widget's
script and style sheet may be loaded by other sites (Cross-Origin-Resource-Policy: cross-origin);
the API answers cross-origin calls only from the origins in `WEB_CORS_ORIGINS`.

`client_address` finds the client behind reverse proxies: X-Forwarded-For is read only when the
connection comes from a trusted proxy (`WEB_TRUSTED_PROXIES`), and only as far back as there are
proxies (`WEB_PROXIES_COUNT`), each of them trusted; anyone else's X-Forwarded-For is ignored.
"""

from __future__ import annotations

import ipaddress
from typing import Dict, Iterable, Optional, Sequence
from urllib.parse import urlsplit

WIDGET_ASSETS = ("/widget.js", "/widget.css")
# The chat's frame page: widget.js shows it in an <iframe> on the sites in WEB_FRAME_ANCESTORS.
FRAME_PAGES = ("/chat",)


def frame_ancestors_of_chat(frame_ancestors: str) -> str:
    """frame-ancestors of the frame page: 'self' and the host origins of `WEB_FRAME_ANCESTORS`
    (its 'none' and 'self' dropped, so the default lets only the chat's own pages show it)."""
    hosts = [s for s in frame_ancestors.split() if s.lower() not in ("'none'", "'self'")]
    return " ".join(["'self'"] + hosts)


def content_security_policy(frame_ancestors: str) -> str:
    """The CSP header value."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


def security_headers(path: str, frame_ancestors: str) -> Dict[str, str]:
    """Headers added to every response for `path`."""
    if path in FRAME_PAGES:
        frame_ancestors = frame_ancestors_of_chat(frame_ancestors)
    headers = {
        "Content-Security-Policy": content_security_policy(frame_ancestors),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "cross-origin" if path in WIDGET_ASSETS else "same-origin",
    }
    if frame_ancestors.strip() == "'none'":
        headers["X-Frame-Options"] = "DENY"
    if path.startswith("/static/") or path in WIDGET_ASSETS:
        headers["Cache-Control"] = "public, max-age=300"
    else:
        headers["Cache-Control"] = "no-store"
    return headers


def is_same_origin(origin: str, host: Optional[str]) -> bool:
    """True if the Origin header names this server (compared by host:port; the scheme may differ
    behind a TLS-terminating proxy)."""
    return bool(host) and urlsplit(origin).netloc.lower() == host.lower()


def cors_headers(origin: Optional[str], allowed: Iterable[str], preflight: bool = False) -> Dict[str, str]:
    """CORS headers for an allowed origin, nothing otherwise."""
    if not origin or origin.rstrip("/") not in allowed:
        return {}
    headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    if preflight:
        headers.update(
            {
                "Access-Control-Allow-Methods": "POST",
                "Access-Control-Allow-Headers": "Content-Type",
                "Access-Control-Max-Age": "600",
            }
        )
    return headers


def trusted_networks(networks: Iterable[str]) -> tuple:
    """Parsed networks of the trusted proxies (`WEB_TRUSTED_PROXIES`)."""
    return tuple(ipaddress.ip_network(n, strict=False) for n in networks)


def parse_ip(address: str) -> Optional[ipaddress._BaseAddress]:
    """The client address as an IP address (an IPv4-mapped IPv6 address as IPv4); None if it is not one."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    return ip.ipv4_mapped if ip.version == 6 and ip.ipv4_mapped is not None else ip


def _trusted(address: str, networks: Sequence) -> bool:
    ip = parse_ip(address)
    return ip is not None and any(ip.version == n.version and ip in n for n in networks)


def client_address(peer: str, forwarded_for: Optional[str], proxies_count: int, networks: Sequence) -> str:
    """The client's address: the connection's own address (`peer`), unless it is a trusted proxy.

    Each proxy appends the address it was connected from to X-Forwarded-For, so the chain is read
    from the right: the peer, then the last entry, then the one before it ... up to `proxies_count`
    hops. The first address on the way that is not a trusted proxy is the client; whatever a client
    wrote into the header itself lies further left and is never read."""
    address = peer
    hops = [h.strip() for h in (forwarded_for or "").split(",") if h.strip()] if proxies_count else []
    for _ in range(proxies_count):
        if not _trusted(address, networks) or not hops:
            break
        address = hops.pop()
    return address
