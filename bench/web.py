"""Load through the public web front (`make bench-web`): one Rasa replica, then two, then the soak.

    python -m bench.web [--levels 1,10,50,200] [--messages 200] [--no-embedded] [--no-soak]

Starts the action server and the web front (`python -m bot.web`) as child processes and sends
conversations to the front's POST /api/message, as the widget does, at each level of concurrent
conversations. Each conversation sends its messages one after the other (the next when the answer
has come) and is replaced by a new one after 8 messages (chats are short; Rasa's cost per message
grows with the conversation's length); a level sends at least `--messages` messages (≥ 3 per
concurrent conversation), bounded by `--max-seconds`. Printed per level: messages answered, p50/p95 latency, messages per second,
errors (HTTP errors – anything but 200 with messages – and client timeouts at 30 s), and how many
answers were the front's "busy" fallback (no free Rasa slot within WEB_RASA_QUEUE_TIMEOUT, or Rasa
slower than WEB_RASA_TIMEOUT) or "unavailable" (Rasa failed).

Configurations, each with the front's production settings except the rate limits (all the load
comes from one address, 127.0.0.1, so WEB_RATE_CLIENT and WEB_RATE_CONVERSATION are raised):
1. embedded: one Rasa on endpoints.yml (in-memory tracker store), as `make run` (skip: --no-embedded)
2. scaled, 1 replica: Rasa on endpoints.scaled.yml (PostgreSQL + Redis), front with RASA_URLS=A
3. scaled, 2 replicas: the same database, front with RASA_URLS=A,B (round robin)
Then the soak (bench/soak.py) through the two-replica front, after emptying the events table so
the scan of the tracker store sees only the soak. The PostgreSQL database and the Redis db are
made for this run and removed afterwards. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Sequence

from bench import soak as soak_module
from bench.load import LoadResult, rss_mb, run_load
from bench.servers import MODEL, SCALED_ENDPOINTS, ScaledStores, Servers
from bot.tools import procs

# Questions and conversation steps people send (not training data verbatim); a conversation takes
# them in order from a different starting point, so flows like "sluta köpa sex" → "umea" occur.
MESSAGES = [
    "hej",
    "vad är kast",
    "jag vill sluta köpa sex",
    "umea",
    "kan jag vara anonym hos kast",
    "är det olagligt att köpa sex",
    "vad blir straffet för sexköp",
    "var finns kast",
    "göteborg",
    "varför fokuserar ni på köparna",
    "jag säljer sex och vill ha hjälp",
    "vad är människohandel",
    "gäller lagen utomlands",
    "jag är orolig för en vän",
    "tack",
    "är du en robot",
    "hur fungerar kast",
    "jag bor i malmö",
    "vad säger lagen om webbkamera",
    "hej då",
]

# A person's chat is short: after this many messages the "user" starts a new conversation.
PER_CONVERSATION = 8

LOAD_ENV = {
    # one client address for all the load: the per-client and per-conversation limits are raised
    "WEB_RATE_CLIENT": "10000000",
    "WEB_RATE_CONVERSATION": "100000",
    "WEB_NEW_IDS_PER_MINUTE": "10000000",
    "WEB_NEW_IDS_PER_MINUTE_48": "10000000",
}


def web_body(conversation_id: str, text: str) -> dict:
    return {"conversation_id": conversation_id, "message": text}


def id_from(front_url: str):
    """`new_sender` for run_load: a conversation id from the front's POST /api/conversation."""

    async def new_sender(session) -> str:
        async with session.post(front_url + "/api/conversation", json={}) as resp:
            return (await resp.json(content_type=None))["conversation_id"]

    return new_sender


def answered(status: int, data) -> bool:
    return status == 200 and isinstance(data, dict) and bool(data.get("messages"))


def fallback(status: int, data) -> str:
    return data.get("fallback") if isinstance(data, dict) else None


def answered_rate(result: LoadResult) -> float:
    """Answers per second that came from Rasa (not the front's busy/unavailable fallback)."""
    real = len(result.latencies) - sum(result.labels.values())
    return real / result.seconds if result.seconds else 0.0


def action_failures(logs: Sequence[Path]) -> int:
    """Custom actions that fell back to the national lines (action server not reached)."""
    pattern = re.compile(r"Custom action \S+ failed")
    return sum(len(pattern.findall(log.read_text(errors="replace"))) for log in logs if log.exists())


def load_levels(
    label: str,
    url: str,
    levels: Sequence[int],
    messages: int,
    max_seconds: float,
    pids: Dict[str, int],
    rasa_logs: Sequence[Path],
) -> List[LoadResult]:
    endpoint = url + "/api/message"
    asyncio.run(run_load(endpoint, MESSAGES, users=2, per_user=10, body=web_body, new_sender=id_from(url)))  # warm-up
    failed_before = action_failures(rasa_logs)
    results = []
    for users in levels:
        per_user = max(3, math.ceil(messages / users))
        result = asyncio.run(
            run_load(
                endpoint,
                MESSAGES,
                users=users,
                per_user=per_user,
                body=web_body,
                timeout=30,
                ok=answered,
                label=fallback,
                max_seconds=max_seconds,
                per_conversation=PER_CONVERSATION,
                new_sender=id_from(url),
            )
        )
        print(result.line(f"{label}, {users} conv") + f"  (real answers {answered_rate(result):.1f}/s)", flush=True)
        results.append(result)
    rss = "  ".join(f"{name} {rss_mb(pid):.0f} MB" for name, pid in pids.items())
    print(
        f"{label}: RSS {rss}; load average now {os.getloadavg()[0]:.1f} (other work on this machine skews the figures)",
        flush=True,
    )
    failed = action_failures(rasa_logs) - failed_before
    if failed:
        print(f"{label}: WARNING {failed} custom action calls failed (answered with the national lines)", flush=True)
    return results


def summary(rows: Dict[str, List[LoadResult]], levels: Sequence[int]) -> None:
    print(
        "\nsummary through the web front, per level of concurrent conversations:\n"
        "  p50/p95 latency ms | answers/s (all) | of them from Rasa/s | errors | busy answers [| unavailable]"
    )
    print(f"{'configuration':<20}" + "".join(f"{'%d conv' % u:>38}" for u in levels))
    for label, results in rows.items():
        cells = []
        for r in results:
            cells.append(
                f"{r.pct(0.5) * 1000:.0f}/{r.pct(0.95) * 1000:.0f} | {r.rate:.1f} | {answered_rate(r):.1f} | "
                f"{r.errors} | {r.labels.get('busy', 0)}"
                + (f" | u{r.labels['unavailable']}" if r.labels.get("unavailable") else "")
            )
        print(f"{label:<20}" + "".join(f"{c:>38}" for c in cells))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--levels", default="1,10,50,200", help="concurrent conversations, comma-separated")
    p.add_argument("--messages", type=int, default=200, help="at least this many messages per level")
    p.add_argument("--max-seconds", type=float, default=240, help="no new message after this long in one level")
    p.add_argument("--no-embedded", action="store_true", help="skip the in-memory single-Rasa run")
    p.add_argument("--no-soak", action="store_true", help="skip the soak run")
    p.add_argument("--soak-messages", type=int, default=soak_module.MESSAGES)
    p.add_argument("--soak-max-seconds", type=float, default=1200)
    p.add_argument("--endpoints", default=SCALED_ENDPOINTS, help="endpoints of the scaled runs")
    args = p.parse_args()
    levels = [int(n) for n in args.levels.split(",")]
    logs = Path(tempfile.mkdtemp(prefix="bench-web-"))
    print(f"bench.web: logs in {logs}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}", flush=True)
    print(
        f"front settings: production defaults (WEB_RASA_CONCURRENCY 16, queue 5 s, Rasa timeout 15 s) "
        f"with {', '.join(f'{k}={v}' for k, v in LOAD_ENV.items())}",
        flush=True,
    )
    # a copy, so that a training that replaces models/current.tar.gz meanwhile changes nothing here
    model = logs / "model.tar.gz"
    shutil.copyfile(MODEL, model)
    rows: Dict[str, List[LoadResult]] = {}
    soak_ok = True
    servers = Servers(logs)
    try:
        actions = servers.actions()
        procs.wait_http(f"http://127.0.0.1:{servers.action_port}/health", timeout=60, proc=actions)

        if not args.no_embedded:
            t0 = time.monotonic()
            rasa, url = servers.rasa("embedded", "endpoints.yml", model=model)
            servers.wait(url, rasa, timeout=600)
            print(f"embedded Rasa ready in {time.monotonic() - t0:.0f} s", flush=True)
            front, front_url = servers.web("embedded", [url], **LOAD_ENV)
            rows["embedded, 1 Rasa"] = load_levels(
                "embedded, 1 Rasa",
                front_url,
                levels,
                args.messages,
                args.max_seconds,
                {"rasa": rasa.pid, "front": front.pid},
                [logs / "rasa-embedded.log"],
            )
            servers.stop_one(front)
            servers.stop_one(rasa)

        with ScaledStores(prefix="jamchat_bench") as stores:
            t0 = time.monotonic()
            (rasa_a, url_a), (rasa_b, url_b) = (
                servers.rasa(n, args.endpoints, stores.env(), model=model) for n in ("a", "b")
            )
            servers.wait(url_a, rasa_a, timeout=600)
            servers.wait(url_b, rasa_b, timeout=600)
            print(
                f"two scaled replicas ready in {time.monotonic() - t0:.0f} s "
                f"(PostgreSQL db {stores.db_name}, Redis db {stores.redis_db})",
                flush=True,
            )
            rasa_logs = [logs / "rasa-a.log", logs / "rasa-b.log"]

            front, front_url = servers.web("one", [url_a], **LOAD_ENV)
            rows["scaled, 1 replica"] = load_levels(
                "scaled, 1 replica",
                front_url,
                levels,
                args.messages,
                args.max_seconds,
                {"rasa-a": rasa_a.pid, "front": front.pid},
                rasa_logs,
            )
            servers.stop_one(front)

            front, front_url = servers.web("two", [url_a, url_b], **LOAD_ENV)
            rows["scaled, 2 replicas"] = load_levels(
                "scaled, 2 replicas",
                front_url,
                levels,
                args.messages,
                args.max_seconds,
                {"rasa-a": rasa_a.pid, "rasa-b": rasa_b.pid, "front": front.pid},
                rasa_logs,
            )
            servers.stop_one(front)
            summary(rows, levels)

            if not args.no_soak:
                print("\nsoak through the front with two replicas (events table emptied first)", flush=True)
                front, front_url = servers.web("soak", [url_a, url_b], **soak_module.soak_front_env())
                asyncio.run(soak_module._warm(front_url))
                stores.truncate()
                soak_ok = soak_module.run(
                    front_url,
                    stores,
                    {"rasa-a": rasa_a.pid, "rasa-b": rasa_b.pid, "web front": front.pid, "action server": actions.pid},
                    [logs / "rasa-a.log", logs / "rasa-b.log", logs / "web-soak.log", logs / "actions.log"],
                    messages=args.soak_messages,
                    max_seconds=args.soak_max_seconds,
                )
            servers.stop()
    finally:
        servers.stop()
        model.unlink(missing_ok=True)
    raise SystemExit(0 if soak_ok else 1)


if __name__ == "__main__":
    main()
