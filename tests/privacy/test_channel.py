"""bot.rasa_plugins.channel.MaskingRestInput in-process: what reaches Rasa, and the answers on failure."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, List, Optional

import pytest
from rasa.core.channels.channel import UserMessage

from bot.rasa_plugins.channel import MaskingRestInput
from bot.rasa_plugins.tracker_store import MaskingTrackerStore, turn_failed

from .conftest import MESSAGES, find_personal
from .stores import domain


class FakeRequest:
    def __init__(self, body: Any, args: Optional[Dict[str, str]] = None) -> None:
        self.json = body
        self.args = args or {}


class FakeRasa:
    """Stands in for Rasa's `on_new_message`: records what it got, answers or fails."""

    def __init__(self, fail: Optional[Exception] = None, store_fails: bool = False) -> None:
        self.received: List[UserMessage] = []
        self.fail = fail
        self.store_fails = store_fails

    async def __call__(self, message: UserMessage) -> None:
        self.received.append(message)
        if self.fail:
            raise self.fail
        if self.store_fails:  # as our store does when its database is down
            store = MaskingTrackerStore(domain(), inner="in_memory")

            async def broken(sender_id):
                raise ConnectionError("database is down")

            store.inner.retrieve = broken
            assert await store.retrieve(message.sender_id) is None
            assert turn_failed()
        await message.output_channel.send_text_message(message.sender_id, "Svar.")


def receive(rasa: FakeRasa, body: Any, args: Optional[Dict[str, str]] = None):
    blueprint = MaskingRestInput().blueprint(rasa)
    handler = next(r.handler for r in blueprint._future_routes if r.uri == "/webhook")
    response = asyncio.run(handler(FakeRequest(body, args)))
    return response.status, json.loads(response.body)


def test_name_and_url_stay_rest():
    assert MaskingRestInput.name() == "rest"
    uris = {r.uri for r in MaskingRestInput().blueprint(FakeRasa())._future_routes}
    assert uris == {"/", "/webhook"}


@pytest.mark.parametrize("text", MESSAGES)
def test_rasa_gets_only_the_masked_text(text):
    rasa = FakeRasa()
    status, body = receive(
        rasa, {"sender": "abc", "message": text, "metadata": {"ip": "192.168.10.23"}, "input_channel": "070-123 45 67"}
    )
    assert status == 200 and body == [{"recipient_id": "abc", "text": "Svar."}]
    message = rasa.received[0]
    assert find_personal(message.text) == [] and "[" in message.text
    assert message.metadata is None and message.input_channel == "rest"
    assert message.sender_id == "abc"


def test_ordinary_text_is_unchanged():
    rasa = FakeRasa()
    receive(rasa, {"sender": "abc", "message": "Ring Kvinnofridslinjen 020-50 50 50 eller 112, år 2023"})
    assert rasa.received[0].text == "Ring Kvinnofridslinjen 020-50 50 50 eller 112, år 2023"


def test_failure_answers_503_and_logs_no_text(caplog):
    caplog.set_level(logging.DEBUG)
    status, body = receive(
        FakeRasa(fail=RuntimeError("lock store: anna.svensson@example.se")),
        {"sender": "abc", "message": "mejla anna.svensson@example.se"},
    )
    assert status == 503 and "error" in body
    assert "anna.svensson" not in caplog.text and "RuntimeError" in caplog.text


def test_store_failure_answers_503():
    status, body = receive(FakeRasa(store_fails=True), {"sender": "abc", "message": "hej"})
    assert status == 503 and body == {"error": "conversation store unavailable"}
    assert not turn_failed()  # the mark ends with the message


@pytest.mark.parametrize(
    "body",
    [
        [1, 2],
        "text",
        {"sender": "abc"},
        {"sender": "abc", "message": 5},
        {"message": "hej"},
        {"sender": "", "message": "hej"},
        {"sender": 7, "message": "hej"},
    ],
)
def test_bad_requests_get_400(body):
    rasa = FakeRasa()
    status, answer = receive(rasa, body)
    assert status == 400 and "error" in answer and not rasa.received


def test_credentials_load_the_channel_as_rest():
    """As rasa.core.run._create_single_channel does for a channel given by module path."""
    import yaml
    from rasa.shared.utils.common import class_from_module_path

    from .stores import ROOT

    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8"))
    channels = [class_from_module_path(name).from_credentials(value) for name, value in credentials.items()]
    assert [type(c) for c in channels] == [MaskingRestInput]
    assert channels[0].url_prefix() == "rest"
