"""bot.speedups.action_session: custom actions reach the action server over one kept-alive session."""

import asyncio

import pytest
from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_plugins.remote_action import ResilientRemoteAction
from bot.speedups import action_session
from bot.speedups.action_session import KeptAliveEndpoint, kept_alive


async def _server(keepalive_timeout: float = 75.0):
    """A local stand-in for the action server that counts the connections it was sent requests on."""
    peers = []

    async def webhook(request):
        peers.append(request.transport.get_extra_info("peername"))
        body = await request.json()
        return web.json_response({"events": [], "responses": [{"text": f"svar på {body['n']}"}]})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app, keepalive_timeout=keepalive_timeout)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, f"http://127.0.0.1:{port}/webhook", peers


def test_requests_share_one_connection_and_answer_as_before():
    async def scenario():
        runner, url, peers = await _server()
        plain, kept = EndpointConfig(url), kept_alive(EndpointConfig(url, headers={"X-Test": "1"}))
        try:
            ours = [await kept.request(json={"n": i}, method="post") for i in range(5)]
            theirs = [await plain.request(json={"n": i}, method="post") for i in range(5)]
        finally:
            await kept.close()
            await runner.cleanup()
        return ours, theirs, peers

    ours, theirs, peers = asyncio.run(scenario())
    assert ours == theirs == [{"events": [], "responses": [{"text": f"svar på {i}"}]} for i in range(5)]
    assert len(set(peers[:5])) == 1, "the kept-alive endpoint used one connection"
    assert len(set(peers[5:])) == 5, "Rasa's own endpoint opens a connection per request"


def test_an_idle_connection_is_let_go_before_the_server_closes_it(monkeypatch):
    """The server closes idle connections after 0.5 s; the client lets them go after 0.2 s, so the
    request after a pause goes out on a new connection and succeeds."""
    monkeypatch.setattr(action_session, "KEEPALIVE_SECONDS", 0.2)

    async def scenario():
        runner, url, peers = await _server(keepalive_timeout=0.5)
        kept = KeptAliveEndpoint(EndpointConfig(url))
        try:
            answers = []
            for pause in (0, 0.6, 0.3, 0.05):
                await asyncio.sleep(pause)
                answers.append(await kept.request(json={"n": pause}, method="post"))
        finally:
            await kept.close()
            await runner.cleanup()
        return answers, peers

    answers, peers = asyncio.run(scenario())
    assert [a["responses"][0]["text"] for a in answers] == [f"svar på {p}" for p in (0, 0.6, 0.3, 0.05)]
    assert len(set(peers)) == 3, "new connections after the two long pauses, the last one reused"


@pytest.mark.parametrize("switch, kind", [("1", KeptAliveEndpoint), ("0", EndpointConfig)])
def test_custom_actions_use_it_only_with_the_speedups(switch, kind, monkeypatch):
    monkeypatch.setenv("BOT_SPEEDUPS", switch)
    endpoint = EndpointConfig("http://127.0.0.1:5055/webhook", headers={"a": "b"}, token="t")
    first = ResilientRemoteAction("action_referral", endpoint)
    second = ResilientRemoteAction("action_find_kast", endpoint)
    assert type(first.action_endpoint) is kind
    assert first.action_endpoint is second.action_endpoint, "one twin per endpoint"
    assert (first.action_endpoint.url, first.action_endpoint.headers, first.action_endpoint.token) == (
        endpoint.url,
        endpoint.headers,
        endpoint.token,
    )
    assert ResilientRemoteAction("action_x", None).action_endpoint is None
