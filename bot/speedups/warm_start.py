"""Make the server fast from its first user: warm the models up, then keep the garbage collector off them.

Two things made answers slow right after start or now and then under load (profiled under 50 users):

- The first batch of messages parsed together (`bot.speedups.batched_parse`) took 1.3 s instead of 0.05 s:
  TensorFlow prepares its kernels for the larger shapes on first use. `warm_up()` parses one batch
  of `bot.speedups.batched_parse.MAX_BATCH` short messages before the server takes requests.
- Every few seconds the collector's oldest generation walked the millions of long-lived objects of
  the model (TensorFlow, Keras, spaCy, the domain): a pause of about 0.3 s for every conversation
  in flight, the slowest 5 % of answers. `freeze()` runs one collection and then `gc.freeze()`,
  which moves everything alive into a permanent generation the collector skips; objects made later
  are collected as before.

`install()` makes Rasa's model loading at server start (`rasa.core.run.load_agent_on_start`) end
with both.
"""

import gc
import logging
import time
from typing import Any

from bot.speedups.patching import patch_once

logger = logging.getLogger(__name__)
_MARK = "_bot_warm_start"

# Neutral messages of different lengths; what they say does not matter, only their shapes.
WARM_UP_TEXTS = (
    "hej",
    "vad är kast",
    "är det olagligt att köpa sex",
    "tack så mycket för hjälpen",
    "hur fungerar det här egentligen om jag vill prata med någon",
)


def warm_up(agent: Any) -> float:
    """Parse one full batch of messages through the agent's NLU (not stored anywhere); seconds taken."""
    from rasa.core.channels.channel import UserMessage

    from bot.speedups import batched_parse

    started = time.monotonic()
    processor = agent.processor
    batcher = batched_parse.batcher_for(processor) if processor is not None else None
    if batcher is not None:
        batch = [
            (UserMessage(WARM_UP_TEXTS[i % len(WARM_UP_TEXTS)], sender_id=f"warm-up-{i}"), None)
            for i in range(batcher.max_batch)
        ]
        batcher.run_batch(batch)
    return time.monotonic() - started


def freeze() -> int:
    """Collect once, then exempt every surviving object from later collections; returns how many."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def install() -> None:
    """Patch `rasa.core.run.load_agent_on_start` (the server's model loading; idempotent)."""
    from rasa.core import run

    def make(original):
        async def load_agent_on_start(model_path, endpoints, remote_storage, app, loop):
            agent = await original(model_path, endpoints, remote_storage, app, loop)
            seconds = warm_up(agent)
            logger.info("Models warmed up in %.1f s; %d objects exempted from garbage collection", seconds, freeze())
            return agent

        return load_agent_on_start

    patch_once(run, "load_agent_on_start", _MARK, make)
