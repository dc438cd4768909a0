"""The web front with several Rasa replicas (RASA_URLS): round robin, failover only when a message
cannot have reached Rasa, and the front wired to it. Uses the fake Rasa of tests/web."""

from __future__ import annotations

import asyncio
import concurrent.futures
import socket
import sys
import uuid
from pathlib import Path
from typing import List

import pytest

from bot.web import relay as relay_module
from bot.web.config import Settings
from bot.web.relay import BUSY, OK, UNAVAILABLE, RasaRelay

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from fake_rasa import FakeRasa, free_port  # noqa: E402
from web_helpers import WebFront  # noqa: E402


@pytest.fixture(scope="module")
def fakes():
    pair = [FakeRasa().start(), FakeRasa().start()]
    yield pair
    for fake in pair:
        fake.close()


@pytest.fixture
def a_b(fakes):
    for fake in fakes:
        fake.start()
        fake.reset()
    yield fakes
    for fake in fakes:
        fake.start()


def arun(coroutine):
    """Run a coroutine to the end in a thread of its own (the browser tests' playwright keeps an
    event loop running in the main thread of the same pytest session)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result(120)


def webhook(url: str) -> str:
    return url + "/webhooks/rest/webhook"


def dead_url() -> str:
    """A port nothing listens on: connections are refused."""
    return f"http://127.0.0.1:{free_port()}"


def run(urls: List[str], count: int, timeout: float = 3.0, concurrency: int = 4) -> list:
    """Send `count` messages one after the other through a fresh relay; their outcomes."""

    async def go():
        relay = RasaRelay([webhook(u) for u in urls], concurrency, queue_timeout=2, timeout=timeout)
        await relay.start()
        try:
            return [await relay.send(uuid.uuid4().hex, f"eko: {n}") for n in range(count)]
        finally:
            await relay.close()

    return arun(go())


# ---------------------------------------------------------------- settings


def test_rasa_urls_setting():
    settings = Settings.from_env({"RASA_URLS": "http://rasa-1:5005/, http://rasa-2:5005"})
    assert settings.webhook_urls == (
        "http://rasa-1:5005/webhooks/rest/webhook",
        "http://rasa-2:5005/webhooks/rest/webhook",
    )
    assert settings.webhook_url == "http://rasa-1:5005/webhooks/rest/webhook"
    # RASA_URL alone still works, and RASA_URLS replaces it when both are set
    assert Settings.from_env({"RASA_URL": "http://rasa:5005"}).webhook_urls == (
        "http://rasa:5005/webhooks/rest/webhook",
    )
    both = Settings.from_env({"RASA_URL": "http://old:5005", "RASA_URLS": "http://new:5005"})
    assert both.webhook_urls == ("http://new:5005/webhooks/rest/webhook",)
    assert Settings.from_env({}).webhook_urls == ("http://127.0.0.1:5005/webhooks/rest/webhook",)


@pytest.mark.parametrize("value", ["rasa:5005", "http://a:5005,ftp://b", " , "])
def test_bad_rasa_urls_stop_start_up(value):
    with pytest.raises(SystemExit, match="RASA_URLS"):
        Settings.from_env({"RASA_URLS": value})


# ---------------------------------------------------------------- relay


def test_replicas_are_used_in_turn(a_b):
    a, b = a_b
    results = run([a.url, b.url], 10)
    assert [r.outcome for r in results] == [OK] * 10
    assert len(a.received) == 5 and len(b.received) == 5


def test_a_replica_that_refuses_connections_is_skipped(a_b):
    a, _ = a_b
    results = run([dead_url(), a.url], 8)
    assert [r.outcome for r in results] == [OK] * 8
    assert len(a.received) == 8


def test_a_replica_that_goes_down_and_comes_back(a_b):
    a, b = a_b

    async def go():
        relay = RasaRelay([webhook(a.url), webhook(b.url)], 4, queue_timeout=2, timeout=3)
        await relay.start()
        try:
            send = lambda: relay.send(uuid.uuid4().hex, "eko: x")  # noqa: E731
            first = [await send() for _ in range(4)]
            await asyncio.get_running_loop().run_in_executor(None, a.stop)
            during = [await send() for _ in range(6)]
            await asyncio.get_running_loop().run_in_executor(None, a.start)
            relay._down_until = [0.0, 0.0]  # as if DOWN_SECONDS had passed
            after = [await send() for _ in range(4)]
            return first, during, after
        finally:
            await relay.close()

    first, during, after = arun(go())
    assert all(r.outcome == OK for r in first + during + after)
    assert len(a.received) == 2 + 2 and len(b.received) == 2 + 6 + 2


def test_proxy_errors_move_on_to_the_next_replica(a_b):
    a, b = a_b
    a.status = 503
    results = run([a.url, b.url], 6)
    assert [r.outcome for r in results] == [OK] * 6
    assert len(a.received) == 1  # then skipped for DOWN_SECONDS
    assert len(b.received) == 6


def test_rasa_errors_are_not_retried_elsewhere(a_b):
    """Rasa may have processed a message it answered 500 to: no second copy to another replica."""
    a, b = a_b
    a.status = 500
    results = run([a.url, b.url], 4)
    assert [r.outcome for r in results] == [UNAVAILABLE, OK, UNAVAILABLE, OK]
    assert len(a.received) == 2 and len(b.received) == 2


def test_slow_replica_gives_busy_not_a_second_copy(a_b):
    a, b = a_b
    a.delay = 3
    results = run([a.url, b.url], 2, timeout=1)
    assert [r.outcome for r in results] == [BUSY, OK]
    assert len(b.received) == 1


def test_all_replicas_down_gives_unavailable_quickly():
    results = run([dead_url(), dead_url()], 3, timeout=10)
    assert [r.outcome for r in results] == [UNAVAILABLE] * 3


def test_unreachable_host_does_not_eat_the_whole_timeout(a_b, monkeypatch):
    """A replica that never accepts the connection (a full listen backlog here) is given up after
    CONNECT_TIMEOUT and the message goes to the next one."""
    monkeypatch.setattr(relay_module, "CONNECT_TIMEOUT", 0.5)
    a, _ = a_b
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        # fill the backlog so that further connections hang
        fillers = []
        for _ in range(8):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            fillers.append(s)
        try:
            results = run([f"http://127.0.0.1:{port}", a.url], 2, timeout=5)
        finally:
            for s in fillers:
                s.close()
    assert [r.outcome for r in results] == [OK, OK]


# ---------------------------------------------------------------- the front


def test_front_relays_to_every_replica(a_b):
    a, b = a_b
    front = WebFront(a.url, RASA_URLS=f"{a.url},{b.url}", WEB_RATE_CLIENT=1000, WEB_RATE_CONVERSATION=1000).start()
    try:
        replies = [front.say(f"eko: {n}") for n in range(6)]
        assert all(r.status == 200 and "fallback" not in r.json() for r in replies)
        assert len(a.received) == 3 and len(b.received) == 3
        b.stop()
        replies = [front.say("eko: utan b") for _ in range(4)]
        assert all(r.status == 200 and r.texts() == "utan b" for r in replies)
        assert len(a.received) == 3 + 4
    finally:
        front.stop()


# ---------------------------------------------------------------- one conversation at a time


async def _counting_rasa(delay: float):
    """An in-process Rasa stand-in that records the most messages of one sender in flight at once."""
    from aiohttp import web

    state = {"inflight": {}, "max": {}, "order": []}

    async def webhook(request):
        body = await request.json()
        sender = body["sender"]
        state["order"].append((sender, body["message"]))
        state["inflight"][sender] = state["inflight"].get(sender, 0) + 1
        state["max"][sender] = max(state["max"].get(sender, 0), state["inflight"][sender])
        await asyncio.sleep(delay)
        state["inflight"][sender] -= 1
        return web.json_response([{"text": "ok"}])

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}", state


def test_messages_of_one_conversation_reach_rasa_one_at_a_time_in_order():
    async def go():
        runner, url, state = await _counting_rasa(0.05)
        relay = RasaRelay([webhook(url), webhook(url)], 8, queue_timeout=10, timeout=5)
        await relay.start()
        try:
            one = uuid.uuid4().hex
            others = [uuid.uuid4().hex for _ in range(4)]
            sends = [relay.send(one, str(n)) for n in range(6)] + [relay.send(o, "x") for o in others]
            results = await asyncio.gather(*sends)
            return results, state, one, relay
        finally:
            await relay.close()
            await runner.cleanup()

    results, state, one, relay = arun(go())
    assert all(r.outcome == OK for r in results)
    assert state["max"][one] == 1
    assert [m for s, m in state["order"] if s == one] == [str(n) for n in range(6)]
    assert relay._turns == {}  # nothing kept per conversation afterwards


def test_a_burst_from_one_conversation_does_not_crowd_out_the_others():
    async def go():
        runner, url, state = await _counting_rasa(0.3)
        relay = RasaRelay(webhook(url), 2, queue_timeout=1, timeout=5)
        await relay.start()
        try:
            burst = uuid.uuid4().hex
            burst_sends = [asyncio.ensure_future(relay.send(burst, str(n))) for n in range(20)]
            await asyncio.sleep(0.05)
            other = await relay.send(uuid.uuid4().hex, "hej")
            return other, await asyncio.gather(*burst_sends)
        finally:
            await relay.close()
            await runner.cleanup()

    other, burst = arun(go())
    assert other.outcome == OK
    outcomes = [r.outcome for r in burst]
    assert outcomes[0] == OK and BUSY in outcomes and UNAVAILABLE not in outcomes
