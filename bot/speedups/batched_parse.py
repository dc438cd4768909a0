"""Parse the messages of users who write at the same time in one NLU run (dynamic batching).

Rasa 3.6 runs the NLU graph once per message. With many users at once, messages reach
`MessageProcessor.parse_message` in the same turns of the event loop, and most of the cost of a run
does not depend on how many messages it carries (entering the models, combining features; see
`bot.speedups.batch_predict`). `install()` makes `parse_message` hand the message to a `ParseBatcher`:
the first message schedules a run for the next turn of the loop; messages that arrive meanwhile
join it (the run waits while the batch keeps growing, at most `MAX_WAITS` turns and `MAX_BATCH`
messages). A lone message waits one turn, a few microseconds.

Each message gets the same parse as alone (the NLU graph never reads the conversation; tested
against Rasa's path). If a batch fails, each of its messages is parsed alone, so one bad message
cannot fail the others. Before a batch's results are used, each is checked to belong to its own
message (`belongs`: the parse's text is the message's text); if any does not – results missing,
reordered or mixed up – the whole batch is parsed again one by one, so one person's text can never
land in another's conversation. An HTTP interpreter or `only_output_properties=False` take Rasa's path.
"""

import asyncio
import copy
import logging
import os
from collections import deque
from typing import Any, Callable, Deque, Dict, List, Optional, Tuple

from bot.speedups.patching import patch_once

logger = logging.getLogger(__name__)

_MARK = "_bot_batched_parse"
MAX_BATCH = int(os.environ.get("NLU_MAX_BATCH", "32"))
MAX_WAITS = int(os.environ.get("NLU_MAX_WAITS", "4"))

Parse = Dict[str, Any]


class ParseBatcher:
    """Collects items (a message and its conversation) for `run_batch(items) -> parses`, or
    `run_one(item) -> parse` when a batch fails, and resolves each caller's future."""

    def __init__(
        self,
        run_batch: Callable[[List[Any]], List[Parse]],
        run_one: Callable[[Any], Parse],
        max_batch: int = MAX_BATCH,
        max_waits: int = MAX_WAITS,
        belongs: Optional[Callable[[Any, Parse], bool]] = None,
    ) -> None:
        self.run_batch = run_batch
        self._run_one = run_one
        self._belongs = belongs
        self.mismatches = 0  # batches whose results did not match their messages (then parsed one by one)
        self.max_batch = max_batch
        self.max_waits = max_waits
        self._pending: List[Tuple[Any, asyncio.Future]] = []
        self._scheduled = False
        self.batch_sizes: Deque[int] = deque(maxlen=1000)  # the latest batch sizes, for tests

    async def parse(self, item: Any) -> Parse:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._pending.append((item, future))
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._tick, loop, len(self._pending), 0)
        return await future

    def _tick(self, loop: asyncio.AbstractEventLoop, seen: int, waits: int) -> None:
        waiting = len(self._pending)
        if seen < waiting < self.max_batch and waits < self.max_waits:
            loop.call_soon(self._tick, loop, waiting, waits + 1)  # still growing: one more turn
            return
        batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
        if self._pending:
            loop.call_soon(self._tick, loop, len(self._pending), 0)
        else:
            self._scheduled = False
        self._run(batch)

    def _run(self, batch: List[Tuple[Any, asyncio.Future]]) -> None:
        self.batch_sizes.append(len(batch))
        items = [item for item, _ in batch]
        try:
            parses: Optional[List[Parse]] = self.run_batch(items) if len(batch) > 1 else None
        except Exception:  # noqa: BLE001 - parse one by one so a bad message fails only itself
            logger.exception("Batched parse of %d messages failed; parsing them one by one", len(batch))
            parses = None
        if parses is not None and not self._all_belong(items, parses):
            self.mismatches += 1
            logger.error(
                "Batched parse of %d messages returned results that do not match their messages; "
                "parsing them one by one",
                len(batch),
            )
            parses = None
        for i, (item, future) in enumerate(batch):
            if future.done():  # the caller gave up (client went away)
                continue
            if parses is not None:
                future.set_result(parses[i])
                continue
            try:
                future.set_result(self._run_one(item))
            except Exception as error:  # noqa: BLE001 - the caller gets the error, as with Rasa
                future.set_exception(error)

    def _all_belong(self, items: List[Any], parses: Any) -> bool:
        """One result per message, each (by `belongs`) the parse of its own message."""
        if not isinstance(parses, list) or len(parses) != len(items):
            return False
        if self._belongs is None:
            return True
        try:
            return all(self._belongs(item, parse) for item, parse in zip(items, parses))
        except Exception:  # noqa: BLE001 - a result that cannot even be checked is not used
            return False


def parse_belongs(item: Tuple[Any, Any], parse: Parse) -> bool:
    """Is `parse` the parse of the message in `item` ((message, tracker))? Its text must be the
    message's text, which the NLU graph never changes."""
    message, _ = item
    text = (
        message.get("text") if isinstance(message, dict) or hasattr(message, "get") else getattr(message, "text", None)
    )
    return isinstance(parse, dict) and parse.get("text") == text


def _parse_data(parsed_message: Any) -> Parse:
    """The parse dict of one parsed Message, as Rasa's `_parse_message_with_graph` builds it."""
    from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT

    parse_data: Parse = {TEXT: "", INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, ENTITIES: []}
    parse_data.update(parsed_message.as_dict(only_output_properties=True))
    return parse_data


def nlu_reads_tracker(processor: Any) -> bool:
    """Whether any node of the processor's NLU graph takes the conversation as input."""
    from rasa.engine.constants import PLACEHOLDER_TRACKER

    schema = processor.graph_runner._graph_schema.minimal_graph_schema([processor.model_metadata.nlu_target])
    return any(PLACEHOLDER_TRACKER in node.needs.values() for node in schema.nodes.values())


def batcher_for(processor: Any) -> Optional[ParseBatcher]:
    """The processor's batcher (made on first use), or None when its NLU graph reads the tracker."""
    if "_bot_batcher" not in processor.__dict__:
        from rasa.engine.constants import PLACEHOLDER_MESSAGE
        from rasa.shared.core.trackers import DialogueStateTracker

        def run_batch(items: List[Tuple[Any, Any]]) -> List[Parse]:
            messages = [message for message, _ in items]
            target = processor.model_metadata.nlu_target
            # no conversation: the NLU graph does not read it (checked below)
            results = processor.graph_runner.run(inputs={PLACEHOLDER_MESSAGE: messages}, targets=[target])
            parsed = results[target]
            if len(parsed) != len(messages):
                raise ValueError(f"NLU returned {len(parsed)} parses for {len(messages)} messages")
            return [_parse_data(m) for m in parsed]

        def run_one(item: Tuple[Any, Any]) -> Parse:
            message, tracker = item
            if tracker is None:
                tracker = DialogueStateTracker.from_events(message.sender_id, [])
            return processor._parse_message_with_graph(message, tracker)

        processor.__dict__["_bot_batcher"] = (
            None if nlu_reads_tracker(processor) else ParseBatcher(run_batch, run_one, belongs=parse_belongs)
        )
    return processor.__dict__["_bot_batcher"]


def install() -> None:
    """Patch `MessageProcessor.parse_message` (idempotent)."""
    from rasa.core import processor as rasa_processor
    from rasa.core.processor import MessageProcessor

    def make(original):
        async def parse_message(self, message, tracker=None, only_output_properties: bool = True):
            batcher = None
            if self.http_interpreter is None and only_output_properties:
                batcher = batcher_for(self)
            if batcher is None:
                return await original(self, message, tracker, only_output_properties)
            parse_data = await batcher.parse((message, tracker))
            self._update_full_retrieval_intent(parse_data)
            rasa_processor.structlogger.debug(  # as Rasa logs it (the text is masked by then)
                "processor.message.parse",
                parse_data_text=copy.deepcopy(parse_data["text"]),
                parse_data_intent=parse_data["intent"],
                parse_data_entities=copy.deepcopy(parse_data["entities"]),
            )
            self._check_for_unseen_features(parse_data)
            return parse_data

        return parse_message

    patch_once(MessageProcessor, "parse_message", _MARK, make)
