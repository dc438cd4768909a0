"""Reading the counters in the campaign tests."""

from __future__ import annotations

import time

from bot.domain import campaign_counts


def counters(url: str, campaign: str = None) -> dict:
    """{(campaign, metric): n} summed over weeks (of one campaign: {metric: n})."""
    out: dict = {}
    for c, _week, metric, n in campaign_counts.read_counts(url):
        if campaign is None:
            out[(c, metric)] = out.get((c, metric), 0) + n
        elif c == campaign:
            out[metric] = out.get(metric, 0) + n
    return out


def wait_for(check, timeout: float = 10.0):
    """Poll `check()` until it returns something truthy (the front flushes every 0.2 s)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)
