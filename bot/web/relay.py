"""Server-side relay to Rasa's REST channel, with a concurrency limit, timeouts and failover.

`RasaRelay.send(sender, text)` posts {"sender", "message"} to the webhook and returns a
`RelayResult`: `ok` with the bot's messages (only text and buttons, checked), `busy` when no slot
became free within the queue timeout or Rasa did not answer in time, `unavailable` when Rasa cannot be
reached or answers with an error. Nothing about the client (address, headers) is sent to Rasa.
Messages of one conversation are relayed one at a time; later ones wait in the front (within the
queue timeout) without taking a Rasa slot from other conversations. When every slot is taken,
ongoing conversations (those that have had an answer through this relay) get the next free slot
before new ones: a flood of new conversations cannot starve the people already writing.
`RelayResult.deleted` says that Rasa deleted the conversation (header `X-Chat-Deleted`, set by
`bot.rasa_plugins.channel`).

Several Rasa replicas (`RASA_URLS`, sharing one tracker store and one Redis lock store) are used in
turn (round robin). A message moves on to the next replica only when that replica cannot have
kept it: the connection was refused or timed out, the kept-alive connection was closed twice, or
the answer was 502/503/504 – from a proxy in front of Rasa, or from our REST channel
(`bot.rasa_plugins.channel`), which answers 503 when it could not handle the message (mostly: its
conversation or lock store failed, and then nothing of that turn is stored). Such a replica is skipped for `DOWN_SECONDS` (tried last, not never,
so a single replica that comes back is used at once). A timeout after the message was sent and any
other error status are not retried elsewhere: Rasa may have processed the message, and the same
failure would most likely repeat. The whole exchange stays within the Rasa timeout.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any, Deque, Dict, List, Optional, Sequence, Tuple, Union

import aiohttp

from bot.domain.campaign_counts import COUNTS_HEADER, parse_header

logger = logging.getLogger(__name__)

OK, BUSY, UNAVAILABLE = "ok", "busy", "unavailable"

# Seconds a replica that could not be reached is tried only after the others.
DOWN_SECONDS = 5.0
# Longest wait for a TCP connection to one replica before the next is tried.
CONNECT_TIMEOUT = 2.0
# Answers that mean the replica kept nothing of the message (a proxy's, or our channel's 503).
FAILOVER_STATUSES = frozenset({502, 503, 504})
# Set by bot.rasa_plugins.channel when the conversation was deleted (the same name there).
DELETED_HEADER = "X-Chat-Deleted"
# Conversations remembered as ongoing (for priority), the least recently answered dropped first.
MAX_ONGOING = 100_000


@dataclass
class RelayResult:
    """What became of one message: an outcome and the bot's (cleaned) messages."""

    outcome: str
    messages: List[Dict[str, Any]] = field(default_factory=list)
    counts: Tuple[str, ...] = ()  # campaign counters of the turn (bot.domain.campaign_counts), from Rasa's header
    deleted: bool = False  # Rasa deleted the conversation (at the user's request)


def _buttons(raw: Any) -> List[Dict[str, str]]:
    """Buttons with a non-empty title; the payload defaults to the title."""
    if not isinstance(raw, list):
        return []
    buttons = []
    for button in raw:
        if isinstance(button, dict) and isinstance(button.get("title"), str) and button["title"].strip():
            payload = button.get("payload")
            buttons.append(
                {"title": button["title"], "payload": payload if isinstance(payload, str) else button["title"]}
            )
    return buttons


def clean_bot_messages(payload: Any) -> Optional[List[Dict[str, Any]]]:
    """Keep text and buttons of Rasa's answer; None if the answer is not a list of messages."""
    if not isinstance(payload, list):
        return None
    messages = []
    for item in payload:
        if not isinstance(item, dict):
            continue
        message: Dict[str, Any] = {}
        if isinstance(item.get("text"), str) and item["text"].strip():
            message["text"] = item["text"]
        buttons = _buttons(item.get("buttons"))
        if buttons:
            message["buttons"] = buttons
        if message:
            messages.append(message)
    return messages


class _Turn:
    """One conversation's place in line: a lock and how many messages hold or wait for it."""

    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class _Slots:
    """A semaphore whose waiters of priority (ongoing conversations) are served first, each group
    in arrival order."""

    def __init__(self, count: int) -> None:
        self.free = count
        self._waiters: Dict[bool, Deque[asyncio.Future]] = {True: deque(), False: deque()}

    def waiting(self, priority: bool) -> int:
        return sum(not f.done() for f in self._waiters[priority])

    async def acquire(self, priority: bool, timeout: float) -> bool:
        """True once a slot is ours; False when none became free within `timeout` seconds."""
        if self.free > 0 and not (self._waiters[True] or self._waiters[False]):
            self.free -= 1
            return True
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        queue = self._waiters[priority]
        queue.append(future)
        timer = loop.call_later(timeout, lambda: future.done() or future.set_result(False))
        try:
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled() and future.result():
                self.release()  # handed over just as the caller gave up: pass it on
            raise
        finally:
            timer.cancel()
            try:
                queue.remove(future)
            except ValueError:
                pass

    def release(self) -> None:
        for priority in (True, False):
            queue = self._waiters[priority]
            while queue:
                future = queue.popleft()
                if not future.done():
                    future.set_result(True)
                    return
        self.free += 1


class _NextUpstream(Exception):
    """This replica did not get the message; try the next one."""


class RasaRelay:
    """Sends messages to Rasa; at most `concurrency` at a time (over all replicas), the rest wait up
    to `queue_timeout`. `webhook_urls` is one webhook URL or several (replicas, used in turn)."""

    def __init__(
        self, webhook_urls: Union[str, Sequence[str]], concurrency: int, queue_timeout: float, timeout: float
    ) -> None:
        urls = (webhook_urls,) if isinstance(webhook_urls, str) else tuple(webhook_urls)
        if not urls:
            raise ValueError("at least one Rasa webhook URL is needed")
        self.webhook_urls = urls
        self.queue_timeout = queue_timeout
        self.timeout = timeout
        self.concurrency = concurrency
        self._slots: Optional[_Slots] = None
        self._ongoing: "OrderedDict[str, None]" = OrderedDict()
        self._session: Optional[aiohttp.ClientSession] = None
        self._round_robin = itertools.count()
        self._down_until = [0.0] * len(urls)
        self._turns: Dict[str, _Turn] = {}

    @property
    def webhook_url(self) -> str:
        """The first (or only) webhook URL."""
        return self.webhook_urls[0]

    async def start(self) -> None:
        """Create the HTTP session (inside the server's event loop)."""
        self._slots = _Slots(self.concurrency)
        connector = aiohttp.TCPConnector(limit=self.concurrency, keepalive_timeout=4)
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=self.timeout),
            cookie_jar=aiohttp.DummyCookieJar(),
            headers={"User-Agent": "jamchat-web"},
        )

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, sender: str, text: str) -> RelayResult:
        """Relay one message; never raises for Rasa's faults.

        Messages of one conversation go to Rasa one at a time, in order (Rasa would serialise them
        anyway with its lock); a later one waits here without holding a Rasa slot, so a burst from
        one conversation cannot crowd out the others. Both waits together are bounded by the queue
        timeout."""
        assert self._slots is not None and self._session is not None, "start() first"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.queue_timeout
        turn = self._turns.get(sender)
        if turn is None:
            turn = self._turns[sender] = _Turn()
        turn.users += 1
        try:
            try:
                await asyncio.wait_for(turn.lock.acquire(), self.queue_timeout)
            except asyncio.TimeoutError:
                logger.warning("Conversation busy: an earlier message still waited on after %.1f s", self.queue_timeout)
                return RelayResult(BUSY)
            try:
                ongoing = sender in self._ongoing
                if not await self._slots.acquire(ongoing, max(deadline - loop.time(), 0.001)):
                    logger.warning(
                        "Rasa saturated: no free slot within %.1f s (%s conversation)",
                        self.queue_timeout,
                        "ongoing" if ongoing else "new",
                    )
                    return RelayResult(BUSY)
                try:
                    result = await self._relay({"sender": sender, "message": text})
                finally:
                    self._slots.release()
                self._note(sender, result)
                return result
            finally:
                turn.lock.release()
        finally:
            turn.users -= 1
            if not turn.users:
                del self._turns[sender]

    def _note(self, sender: str, result: RelayResult) -> None:
        """Remember a conversation that got an answer as ongoing (forget a deleted one)."""
        if result.deleted:
            self._ongoing.pop(sender, None)
        elif result.outcome == OK:
            self._ongoing[sender] = None
            self._ongoing.move_to_end(sender)
            while len(self._ongoing) > MAX_ONGOING:
                self._ongoing.popitem(last=False)

    def forget(self, sender: str) -> None:
        """Drop `sender` from the ongoing conversations (its id was deleted)."""
        self._ongoing.pop(sender, None)

    def _order(self) -> List[int]:
        """Replicas to try for one message: round robin, those recently unreachable last."""
        count = len(self.webhook_urls)
        first = next(self._round_robin) % count
        order = [(first + step) % count for step in range(count)]
        now = time.monotonic()
        return [i for i in order if self._down_until[i] <= now] + [i for i in order if self._down_until[i] > now]

    async def _relay(self, body: Dict[str, str]) -> RelayResult:
        deadline = time.monotonic() + self.timeout
        for index in self._order():
            if time.monotonic() >= deadline:
                break
            try:
                result = await self._post(self.webhook_urls[index], body, deadline)
            except _NextUpstream as why:
                if time.monotonic() >= deadline:
                    break  # our own time ran out while connecting: not the replica's fault
                self._down_until[index] = time.monotonic() + DOWN_SECONDS
                if len(self.webhook_urls) > 1:
                    logger.warning("Rasa replica %d of %d %s; trying the next", index + 1, len(self.webhook_urls), why)
                else:
                    logger.warning("Rasa %s", why)
                continue
            self._down_until[index] = 0.0
            return result
        if time.monotonic() >= deadline:
            logger.warning("Rasa did not answer within %.1f s", self.timeout)
            return RelayResult(BUSY)
        return RelayResult(UNAVAILABLE)

    async def _post(self, url: str, body: Dict[str, str], deadline: float, retry: bool = True) -> RelayResult:
        remaining = max(deadline - time.monotonic(), 0.001)
        timeout = aiohttp.ClientTimeout(total=remaining, sock_connect=min(CONNECT_TIMEOUT, remaining))
        try:
            async with self._session.post(url, json=body, timeout=timeout) as response:
                if response.status in FAILOVER_STATUSES:
                    raise _NextUpstream(f"answered HTTP {response.status}")
                if response.status != 200:
                    logger.warning("Rasa answered HTTP %d", response.status)
                    return RelayResult(UNAVAILABLE)
                payload = await response.json(content_type=None)
                counts = parse_header(response.headers.get(COUNTS_HEADER))
                deleted = response.headers.get(DELETED_HEADER) == "1"
        except aiohttp.ServerTimeoutError:
            # Raised while connecting only (no socket read timeout is set): nothing was sent.
            raise _NextUpstream("did not accept a connection in time") from None
        except asyncio.TimeoutError:
            logger.warning("Rasa did not answer within %.1f s", self.timeout)
            return RelayResult(BUSY)
        except aiohttp.ServerDisconnectedError:
            # A kept-alive connection closed by Rasa just as it was reused: try once more.
            if retry:
                return await self._post(url, body, deadline, retry=False)
            raise _NextUpstream("closed the connection") from None
        except aiohttp.ClientConnectorError as error:
            raise _NextUpstream(f"cannot be reached ({type(error).__name__})") from None
        except (aiohttp.ClientError, ValueError, OSError) as error:
            logger.warning("Rasa cannot be reached: %s", type(error).__name__)
            return RelayResult(UNAVAILABLE)
        messages = clean_bot_messages(payload)
        if messages is None:
            logger.warning("Rasa answered with something that is not a list of messages")
            return RelayResult(UNAVAILABLE)
        return RelayResult(OK, messages, counts, deleted)
