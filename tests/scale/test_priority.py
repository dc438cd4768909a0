"""When Rasa is saturated, ongoing conversations are served before new ones (bot.web.relay), so a
flood of new conversations cannot starve the people already writing; and the relay's slots are never
lost when callers give up."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from bot.web.relay import BUSY, OK, RasaRelay, _Slots

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from fake_rasa import FakeRasa  # noqa: E402


@pytest.fixture(scope="module")
def slow_rasa():
    fake = FakeRasa().start()
    yield fake
    fake.close()


def test_ongoing_conversations_go_before_new_ones(slow_rasa):
    slow_rasa.reset()

    async def go():
        relay = RasaRelay(slow_rasa.url + "/webhooks/rest/webhook", 1, queue_timeout=10, timeout=5)
        await relay.start()
        try:
            assert (await relay.send("ongoing", "eko: hej")).outcome == OK  # now an ongoing conversation
            slow_rasa.delay = 0.2
            order = []

            async def send(sender, text):
                result = await relay.send(sender, text)
                order.append(sender)
                return result

            blocker = asyncio.ensure_future(send("first-new", "eko: a"))  # takes the only slot
            await asyncio.sleep(0.05)
            flood = [asyncio.ensure_future(send(f"new-{n}", "eko: b")) for n in range(5)]
            await asyncio.sleep(0.05)
            ongoing = asyncio.ensure_future(send("ongoing", "eko: och sen?"))  # arrives last
            results = await asyncio.gather(blocker, *flood, ongoing)
            return order, results
        finally:
            await relay.close()

    order, results = asyncio.run(go())
    assert all(r.outcome == OK for r in results)
    assert order[:2] == ["first-new", "ongoing"], order  # the next free slot went to the ongoing one


def test_a_waiter_that_times_out_or_is_cancelled_loses_no_slot():
    async def go():
        slots = _Slots(1)
        assert await slots.acquire(False, 1)
        assert not await slots.acquire(True, 0.05)  # timed out
        waiter = asyncio.ensure_future(slots.acquire(False, 5))
        await asyncio.sleep(0.01)
        waiter.cancel()
        slots.release()  # may be handed to the cancelled waiter: passed on, not lost
        await asyncio.sleep(0)
        assert await slots.acquire(False, 0.5)
        slots.release()
        return slots.free

    assert asyncio.run(go()) == 1


def test_new_conversations_time_out_as_busy_when_saturated(slow_rasa):
    slow_rasa.reset()
    slow_rasa.delay = 1.0

    async def go():
        relay = RasaRelay(slow_rasa.url + "/webhooks/rest/webhook", 1, queue_timeout=0.3, timeout=5)
        await relay.start()
        try:
            return await asyncio.gather(relay.send("a", "eko: a"), relay.send("b", "eko: b"))
        finally:
            await relay.close()

    first, second = asyncio.run(go())
    slow_rasa.reset()
    assert first.outcome == OK and second.outcome == BUSY
