"""Speed and size of the assistant, with the speed-ups on and off, against stock Rasa (`rasa init`),
on this machine, in one run.

Prints: server ready time, p50/p95 for one user, throughput and p95 at 50 concurrent REST users,
RSS of Rasa + action server; the same with `BOT_SPEEDUPS=0` (our assistant on Rasa's own code) and
for stock Rasa, and the ratios. Our messages mix the FAQ's wording with typos, missing å/ä/ö and
new wording. Conversations are PER_CONVERSATION messages long for all. `python -m bench.latency
[--skip-stock] [--skip-off] [--messages N]`. Only 127.0.0.1 is contacted; every run is bounded.
"""

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.load import rss_mb, run_load
from bot.tools import procs

OUR_MESSAGES = [
    "hej",
    "vad är kast",
    "är det olagligt att köpa sex",
    "vad blir straffet för sexköp",
    "är det brottsligt att sälja sex",
    "kan jag vara anonym hos kast",
    "varför fokuserar ni på köparna",
    "vad är människohandel",
    "gäller lagen utomlands",
    "tack",
    "vad kan du hjälpa till med",
    "hur fungerar kast",
    "är du en robot",
    "vad säger lagen om webbkamera",
    "hej då",
    # typos, no å/ä/ö, slang, a buyer's own words
    "ar det olagligt att kopa sex",
    "vad hander om man blir tagen av snuten",
    "hur funkar kast egentligen",
    "hon gör det ju frivilligt",
    "jag vill sluta men vet inte hur",
    "finns kast i umea",
]
STOCK_MESSAGES = ["hello", "I am sad", "great", "are you a bot?", "yes", "no", "good morning", "bye"]


# Messages per conversation: a real chat here is a handful of questions. Every user starts a new
# conversation (new sender id) after this many messages, for our assistant and stock Rasa alike.
PER_CONVERSATION = 10


def measure(label: str, url: str, messages, pids, single: int, concurrent_users: int, per_user: int) -> dict:
    """Closed loop: each user sends its next message as soon as the previous answer arrives."""
    asyncio.run(run_load(url, messages, users=1, per_user=20))  # warm-up
    one = asyncio.run(run_load(url, messages, users=1, per_user=single, per_conversation=PER_CONVERSATION))
    many = asyncio.run(
        run_load(
            url, messages, users=concurrent_users, per_user=per_user, timeout=60, per_conversation=PER_CONVERSATION
        )
    )
    rss = sum(rss_mb(p) for p in pids)
    print(one.line(f"{label}, one user"))
    print(many.line(f"{label}, {concurrent_users} users"))
    print(f"{label}: RSS {rss:.0f} MB")
    return {"p50_one": one.pct(0.5), "rate": many.rate, "p95_many": many.pct(0.95), "rss": rss, "errors": many.errors}


def ours(args, speedups: bool = True) -> dict:
    """Our assistant through the launcher; `speedups=False` runs it with BOT_SPEEDUPS=0."""
    label = "ours" if speedups else "ours, speed-ups off"
    logs = Path(tempfile.mkdtemp())
    action_port, port = procs.free_port(), procs.free_port()
    t0 = time.monotonic()
    actions = procs.start_action_server(action_port, logs / "actions.log")
    rasa = procs.start_rasa(
        port,
        action_port,
        logs / "rasa.log",
        endpoints=args.endpoints,
        extra_env={"BOT_SPEEDUPS": "1" if speedups else "0"},
    )
    try:
        procs.wait_http(f"http://127.0.0.1:{port}/", timeout=240, proc=rasa)
        ready = time.monotonic() - t0
        print(f"{label}: server ready {ready:.1f} s after start")
        result = measure(
            label,
            f"http://127.0.0.1:{port}/webhooks/rest/webhook",
            OUR_MESSAGES,
            [rasa.pid, actions.pid],
            args.messages,
            args.users,
            args.per_user,
        )
        return {**result, "ready": ready}
    finally:
        procs.stop(rasa), procs.stop(actions)


def stock(args) -> dict:
    work = Path(tempfile.mkdtemp()) / "stock"
    work.mkdir(parents=True)
    t0 = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(work)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    print(f"stock: rasa init + train {time.monotonic() - t0:.0f} s")
    port = procs.free_port()
    log = work / "rasa.log"
    rasa = subprocess.Popen(
        [sys.executable, "-m", "rasa", "run", "--interface", "127.0.0.1", "--port", str(port)],
        cwd=work,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env=procs.child_env(),
    )
    try:
        t0 = time.monotonic()
        procs.wait_http(f"http://127.0.0.1:{port}/", timeout=180, proc=rasa)
        print(f"stock: server ready {time.monotonic() - t0:.1f} s after start")
        return measure(
            "stock",
            f"http://127.0.0.1:{port}/webhooks/rest/webhook",
            STOCK_MESSAGES,
            [rasa.pid],
            args.messages,
            args.users,
            args.per_user,
        )
    finally:
        procs.stop(rasa)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--messages", type=int, default=200, help="messages for the one-user run")
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--per-user", type=int, default=20)
    p.add_argument("--endpoints", default="endpoints.yml")
    p.add_argument("--skip-stock", action="store_true")
    p.add_argument("--skip-off", action="store_true", help="do not measure with BOT_SPEEDUPS=0")
    args = p.parse_args()
    a = ours(args)
    if not args.skip_off:
        off = ours(args, speedups=False)
        print(
            f"ratio speed-ups on/off: p50 one user {a['p50_one'] / off['p50_one']:.2f}, "
            f"throughput {a['rate'] / off['rate']:.2f}x, p95 at {args.users} users "
            f"{a['p95_many'] / off['p95_many']:.2f}, ready {a['ready']:.0f} s / {off['ready']:.0f} s, "
            f"RSS {a['rss']:.0f} / {off['rss']:.0f} MB"
        )
    if args.skip_stock:
        return
    b = stock(args)
    print(
        f"ratio ours/stock: p50 one user {a['p50_one'] / b['p50_one']:.2f}, "
        f"throughput {a['rate'] / b['rate']:.2f}x, p95 at {args.users} users {a['p95_many'] / b['p95_many']:.2f}"
    )


if __name__ == "__main__":
    main()
