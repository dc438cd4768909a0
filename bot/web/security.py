"""Security headers and CORS for every response of the web front.

The Content-Security-Policy allows only this server's own scripts, styles, images and API
(no inline script, no third party); frame-ancestors comes from `WEB_FRAME_ANCESTORS`. Pages and API
answers are `no-store`, so nothing of a conversation stays in the browser's HTTP cache. The widget's
script and style sheet may be loaded by other sites (Cross-Origin-Resource-Policy: cross-origin);
the API answers cross-origin calls only from the origins in `WEB_CORS_ORIGINS`.
"""
from __future__ import annotations

from typing import Dict, Iterable, Optional
from urllib.parse import urlsplit

WIDGET_ASSETS = ("/widget.js", "/widget.css")


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
