"""Server-side relay to Rasa's REST channel, with a concurrency limit and timeouts.

`RasaRelay.send(sender, text)` posts {"sender", "message"} to the webhook and returns a
`RelayResult`: `ok` with the bot's messages (only text and buttons, checked), `busy` when no slot
became free within the queue timeout or Rasa did not answer in time, `unavailable` when Rasa cannot be
reached or answers with an error. Nothing about the client (address, headers) is sent to Rasa.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import aiohttp

logger = logging.getLogger(__name__)

OK, BUSY, UNAVAILABLE = "ok", "busy", "unavailable"


@dataclass
class RelayResult:
    """What became of one message: an outcome and the bot's (cleaned) messages."""

    outcome: str
    messages: List[Dict[str, Any]] = field(default_factory=list)


def _buttons(raw: Any) -> List[Dict[str, str]]:
    """Buttons with a non-empty title; the payload defaults to the title."""
    if not isinstance(raw, list):
        return []
    buttons = []
    for button in raw:
        if isinstance(button, dict) and isinstance(button.get("title"), str) and button["title"].strip():
            payload = button.get("payload")
            buttons.append({"title": button["title"], "payload": payload if isinstance(payload, str) else button["title"]})
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


class RasaRelay:
    """Sends messages to Rasa; at most `concurrency` at a time, the rest wait up to `queue_timeout`."""

    def __init__(self, webhook_url: str, concurrency: int, queue_timeout: float, timeout: float) -> None:
        self.webhook_url = webhook_url
        self.queue_timeout = queue_timeout
        self.timeout = timeout
        self.concurrency = concurrency
        self._slots: Optional[asyncio.Semaphore] = None
        self._session: Optional[aiohttp.ClientSession] = None

    async def start(self) -> None:
        """Create the HTTP session (inside the server's event loop)."""
        self._slots = asyncio.Semaphore(self.concurrency)
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
        """Relay one message; never raises for Rasa's faults."""
        assert self._slots is not None and self._session is not None, "start() first"
        try:
            await asyncio.wait_for(self._slots.acquire(), self.queue_timeout)
        except asyncio.TimeoutError:
            logger.warning("Rasa saturated: no free slot within %.1f s", self.queue_timeout)
            return RelayResult(BUSY)
        try:
            return await self._post({"sender": sender, "message": text})
        finally:
            self._slots.release()

    async def _post(self, body: Dict[str, str], retry: bool = True) -> RelayResult:
        try:
            async with self._session.post(self.webhook_url, json=body) as response:
                if response.status != 200:
                    logger.warning("Rasa answered HTTP %d", response.status)
                    return RelayResult(UNAVAILABLE)
                payload = await response.json(content_type=None)
        except asyncio.TimeoutError:
            logger.warning("Rasa did not answer within %.1f s", self.timeout)
            return RelayResult(BUSY)
        except aiohttp.ServerDisconnectedError:
            # A kept-alive connection closed by Rasa just as it was reused: try once more.
            if retry:
                return await self._post(body, retry=False)
            logger.warning("Rasa closed the connection")
            return RelayResult(UNAVAILABLE)
        except (aiohttp.ClientError, ValueError, OSError) as error:
            logger.warning("Rasa cannot be reached: %s", type(error).__name__)
            return RelayResult(UNAVAILABLE)
        messages = clean_bot_messages(payload)
        if messages is None:
            logger.warning("Rasa answered with something that is not a list of messages")
            return RelayResult(UNAVAILABLE)
        return RelayResult(OK, messages)
