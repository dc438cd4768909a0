"""A small load generator for a chat endpoint: one user in sequence, or many users at once.

Shared by `bench.latency` (Rasa's REST channel) and `bench.web` (the public web front).
Every run is bounded in messages and time and talks only to 127.0.0.1.
"""
import asyncio
import statistics
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable, List, Sequence

import aiohttp


@dataclass
class LoadResult:
    """Latencies (seconds) and error count of one load run."""

    users: int
    latencies: List[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        data = sorted(self.latencies)
        return data[min(len(data) - 1, int(q * len(data)))]

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def line(self, label: str) -> str:
        return (f"{label:<28} users {self.users:>3}  msgs {len(self.latencies):>5}  p50 {self.pct(0.5) * 1000:7.1f} ms  "
                f"p95 {self.pct(0.95) * 1000:7.1f} ms  {self.rate:6.1f} msg/s  errors {self.errors}")


Body = Callable[[str, str], dict]


def rasa_body(sender: str, text: str) -> dict:
    return {"sender": sender, "message": text}


async def run_load(url: str, messages: Sequence[str], users: int, per_user: int,
                   body: Body = rasa_body, timeout: float = 30.0, ok=lambda status, data: status == 200) -> LoadResult:
    """`users` conversations at once, each sending `per_user` messages one after the other."""
    result = LoadResult(users)
    conn = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=conn, timeout=aiohttp.ClientTimeout(total=timeout)) as session:

        async def user(n: int) -> None:
            sender = uuid.uuid4().hex
            for i in range(per_user):
                text = messages[(n * 7 + i) % len(messages)]
                start = time.perf_counter()
                try:
                    async with session.post(url, json=body(sender, text)) as resp:
                        data = await resp.json(content_type=None)
                        if not ok(resp.status, data):
                            result.errors += 1
                            continue
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                    result.errors += 1
                    continue
                result.latencies.append(time.perf_counter() - start)

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
