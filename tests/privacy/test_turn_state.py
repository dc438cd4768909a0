"""bot.rasa_plugins.turn_state: one turn per message, separate for concurrent messages."""

from __future__ import annotations

import asyncio

from bot.rasa_plugins.turn_state import current_turn, turn, turn_failed


def test_turn_is_open_only_inside():
    assert current_turn() is None and not turn_failed()
    with turn() as state:
        assert current_turn() is state and not turn_failed()
        state.store_failed = True
        assert turn_failed()
    assert current_turn() is None and not turn_failed()
    assert (state.counts, state.deleted) == ((), False)


def test_concurrent_turns_are_separate():
    async def handle(fail: bool):
        with turn() as state:
            await asyncio.sleep(0)
            if fail:
                current_turn().store_failed = True
            await asyncio.sleep(0)
            return state.store_failed, turn_failed()

    async def both():
        return await asyncio.gather(handle(True), handle(False))

    assert asyncio.run(both()) == [(True, True), (False, False)]
