"""A small load generator for a chat endpoint: one user in sequence, or many users at once.

Shared by `bench.latency` (Rasa's REST channel) and `bench.web` (the public web front).
Every run is bounded in messages and time and talks only to 127.0.0.1.
"""

import asyncio
import statistics
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, List, Optional, Sequence

import aiohttp


@dataclass
class LoadResult:
    """Latencies (seconds) and error count of one load run.

    `errors` = `http_errors` (an answer that `ok` refused: wrong status or body) + `timeouts` (no
    answer within the client timeout) + `failures` (connection errors, unreadable answers).
    `labels` counts what the optional `label` function said about accepted answers (e.g. the web
    front's "busy" fallback)."""

    users: int
    latencies: List[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    http_errors: int = 0
    timeouts: int = 0
    failures: int = 0
    labels: Counter = field(default_factory=Counter)

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        data = sorted(self.latencies)
        return data[min(len(data) - 1, int(q * len(data)))]

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def line(self, label: str) -> str:
        text = (
            f"{label:<28} users {self.users:>3}  msgs {len(self.latencies):>5}  p50 {self.pct(0.5) * 1000:7.1f} ms  "
            f"p95 {self.pct(0.95) * 1000:7.1f} ms  {self.rate:6.1f} msg/s  errors {self.errors}"
        )
        if self.errors:
            text += f" (http {self.http_errors}, timeouts {self.timeouts}, other {self.failures})"
        for name, count in sorted(self.labels.items()):
            text += f"  {name} {count}"
        return text


Body = Callable[[str, str], dict]


def rasa_body(sender: str, text: str) -> dict:
    return {"sender": sender, "message": text}


async def run_load(
    url: str,
    messages: Sequence[str],
    users: int,
    per_user: int,
    body: Body = rasa_body,
    timeout: float = 30.0,
    ok=lambda status, data: status == 200,
    label: Optional[Callable[[int, Any], Optional[str]]] = None,
    max_seconds: Optional[float] = None,
    per_conversation: Optional[int] = None,
    new_sender: Optional[Callable[[Any], Any]] = None,
) -> LoadResult:
    """`users` conversations at once, each sending `per_user` messages one after the other.

    `label(status, data)` may name an accepted answer (counted in `labels`); after `max_seconds`
    no new message is started (the run is cut short, `seconds` is what it took). With
    `per_conversation`, a user starts a new conversation (a new sender id) after that many
    messages, as people do: real chats are short, and Rasa's cost per message grows with the
    length of the conversation. `new_sender(session)` (a coroutine) gives each new conversation its
    id, e.g. from the web front's POST /api/conversation; by default a random uuid."""
    result = LoadResult(users)
    stop_at = time.perf_counter() + max_seconds if max_seconds else None
    conn = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=conn, timeout=aiohttp.ClientTimeout(total=timeout)) as session:

        async def fresh() -> str:
            return await new_sender(session) if new_sender else uuid.uuid4().hex

        async def user(n: int) -> None:
            sender = await fresh()
            for i in range(per_user):
                if stop_at is not None and time.perf_counter() > stop_at:
                    return
                if per_conversation and i and i % per_conversation == 0:
                    sender = await fresh()
                text = messages[(n * 7 + i) % len(messages)]
                start = time.perf_counter()
                try:
                    async with session.post(url, json=body(sender, text)) as resp:
                        data = await resp.json(content_type=None)
                        if not ok(resp.status, data):
                            result.errors += 1
                            result.http_errors += 1
                            continue
                except asyncio.TimeoutError:
                    result.errors += 1
                    result.timeouts += 1
                    continue
                except (aiohttp.ClientError, ValueError):
                    result.errors += 1
                    result.failures += 1
                    continue
                result.latencies.append(time.perf_counter() - start)
                if label is not None:
                    name = label(resp.status, data)
                    if name:
                        result.labels[name] += 1

        started = time.perf_counter()
        await asyncio.gather(*(user(n) for n in range(users)))
        result.seconds = time.perf_counter() - started
    return result


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (from /proc)."""
    total = 0
    pids = [pid]
    try:
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in open(f"/proc/{p}/status"):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def summary(values: Sequence[float]) -> str:
    return f"median {statistics.median(values):.1f}" if values else "n/a"
