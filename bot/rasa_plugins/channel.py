"""Rasa's REST channel with masking at the door: `bot.rasa_plugins.channel.MaskingRestInput`.

Configured in credentials.yml by module path (it replaces `rest:`); its name is still "rest", so
the URL stays /webhooks/rest/webhook. It differs from Rasa's RestInput in these ways:

- The user's text is masked with `bot.privacy.mask` before Rasa gets it, so that the NLU, the
  dialogue, the action server, Rasa's own logs (also with --debug) and the tracker store only
  ever see placeholders such as "[personnummer]", "[telefon]", "[e-post]", "[adress]", "[kort]",
  "[iban]", "[användarnamn]", "[namn]" (the full list: `bot.privacy.masking`).
- A typed request to delete the conversation ("radera mitt samtal", "ta bort allt jag skrivit",
  "delete my chat"; the word lists in content/privacy.yml, `bot.privacy.deletion`) is replaced by
  the payload `/delete_conversation` before the NLU sees it: deletion never depends on the model.
  When the conversation was deleted, the answer carries the header `X-Chat-Deleted: 1`, and the web
  front refuses that conversation id from then on.
- Nothing else the caller sends is kept: `metadata` and `input_channel` in the request are ignored
  (Rasa would store them, and copy the metadata into a slot at the start of each session).
- A message that cannot be handled – the conversation store or the lock store is down, or
  anything else fails – gets HTTP 503 `{"error": ...}` instead of Rasa's HTTP 200 with an empty
  list, so the web front answers with its safety message (112, Kvinnofridslinjen). The error is
  logged by type only; the text is never logged here.
- A request that is not a JSON object with a string `sender` and a string `message` gets 400.
- The answer carries the campaign counters the message adds (intent, referral, safety answer; no
  text) in the header `X-Chat-Counts`, for the web front (`bot.domain.campaign_counts`).

With `?stream=true` the (masked) message goes through Rasa's streaming path unchanged.
"""

from __future__ import annotations

import inspect
import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Union

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from bot.domain.campaign_counts import COUNTS_HEADER, header_value
from bot.privacy.deletion import DELETE_PAYLOAD, is_deletion_request
from bot.privacy.masking import mask
from bot.rasa_plugins.tracker_store import describe_error, turn

logger = logging.getLogger(__name__)

UNAVAILABLE = 503
# Tells the web front that the conversation was deleted (the same name in bot.web.relay).
DELETED_HEADER = "X-Chat-Deleted"


def incoming_text(raw: str) -> str:
    """What Rasa gets of a user's text: the deletion payload for a deletion request, else the
    masked text."""
    return DELETE_PAYLOAD if is_deletion_request(raw) else mask(raw)


def _error(status: int, error: str) -> HTTPResponse:
    return response.json({"error": error}, status=status)


class MaskingRestInput(RestInput):
    """REST channel that masks personal data in the text before Rasa parses, logs or stores it."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        """No metadata from the caller is passed on (it would be stored)."""
        return None

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()

    def _extract_message(self, req: Request) -> Optional[Text]:
        text = req.json.get("message", None)
        return incoming_text(text) if isinstance(text, str) else text

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        """/ (health) and /webhook, as Rasa's RestInput, with masking and 503 on failure."""
        module = inspect.getmodule(self)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", module.__name__ if module else None)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Union[ResponseStream, HTTPResponse]:
            body = request.json
            if not isinstance(body, dict):
                return _error(400, "send a JSON object with sender and message")
            sender, raw = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not sender.strip():
                return _error(400, "sender must be a non-empty string")
            if not isinstance(raw, str):
                return _error(400, "message must be a string")
            text = incoming_text(raw)
            del raw, body

            if bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, text, sender, self.name(), None),
                    content_type="text/event-stream",
                )

            collector = CollectingOutputChannel()
            with turn() as state:
                try:
                    await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(), metadata=None))
                except CancelledError:
                    logger.error("Message handling was cancelled (timeout); answering %d", UNAVAILABLE)
                    return _error(UNAVAILABLE, "timeout")
                except Exception as error:  # noqa: BLE001 – any failure: the web front's safety message
                    logger.error("Message could not be handled: %s; answering %d", describe_error(error), UNAVAILABLE)
                    return _error(UNAVAILABLE, "message could not be handled")
            if state.store_failed:
                logger.warning("Conversation store unavailable during this message; answering %d", UNAVAILABLE)
                return _error(UNAVAILABLE, "conversation store unavailable")
            # The campaign counters this message adds (bot.domain.campaign_counts): for the web front only.
            headers = {COUNTS_HEADER: header_value(state.counts)} if state.counts else {}
            if state.deleted:
                headers[DELETED_HEADER] = "1"
            return response.json(collector.messages, headers=headers or None)

        return webhook
