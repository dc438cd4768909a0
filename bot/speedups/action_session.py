"""One kept-alive HTTP session to the action server, instead of a new one for every custom action.

Rasa 3.6's `EndpointConfig.request` opens a new aiohttp `ClientSession` – and so a new TCP
connection – for every call, and closes it afterwards. Under load that is setup and teardown on
both sides for every custom action, and several more turns of the event loop for the message that
waits on it (profiled at 50 users: the requests to the action server took about 3 % of Rasa's CPU
time).

`KeptAliveEndpoint` is an `EndpointConfig` whose `session()` lends one shared session per event
loop, with the same headers, authentication and timeout as Rasa's own. Rasa's `request` is
unchanged: it enters the lent session as it would its own, and leaving it does not close it.
Idle connections are dropped by the client after `KEEPALIVE_SECONDS`, well before the action
server's own keep-alive timeout (sanic: 5 s), so a request never goes out on a connection the
server has just closed.

Used by `bot.rasa_plugins.remote_action.ResilientRemoteAction` when the speed-ups are enabled.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

import aiohttp
from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

KEEPALIVE_SECONDS = 2.0


class _Lent:
    """`async with` gives the shared session and leaves it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *exc: Any) -> bool:
        return False


class KeptAliveEndpoint(EndpointConfig):
    """An endpoint whose requests share one session (and its open connections) per event loop."""

    def __init__(self, endpoint: EndpointConfig) -> None:
        super().__init__(
            url=endpoint.url,
            params=endpoint.params,
            headers=endpoint.headers,
            basic_auth=endpoint.basic_auth,
            token=endpoint.token,
            token_name=endpoint.token_name,
            cafile=endpoint.cafile,
            **({"type": endpoint.type} if endpoint.type else {}),
            **endpoint.kwargs,
        )
        self._sessions: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aiohttp.ClientSession]" = (
            weakref.WeakKeyDictionary()
        )

    def _shared(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        session = self._sessions.get(loop)
        if session is None or session.closed:
            auth = (
                aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
            )
            session = aiohttp.ClientSession(
                headers=self.headers,
                auth=auth,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
            )
            self._sessions[loop] = session
        return session

    def session(self) -> Any:  # a context manager lending the shared session, as Rasa uses it
        return _Lent(self._shared())

    async def close(self) -> None:
        """Close the session of the running loop (tests; the server's sessions end with it)."""
        session = self._sessions.pop(asyncio.get_running_loop(), None)
        if session is not None:
            await session.close()


_TWIN = "_bot_kept_alive"


def kept_alive(endpoint: EndpointConfig) -> KeptAliveEndpoint:
    """The kept-alive twin of `endpoint`, kept on the endpoint itself: one per endpoint object (Rasa
    passes the same one to every custom action it builds)."""
    if isinstance(endpoint, KeptAliveEndpoint):
        return endpoint
    twin = getattr(endpoint, _TWIN, None)
    if twin is None:
        twin = KeptAliveEndpoint(endpoint)
        setattr(endpoint, _TWIN, twin)
    return twin
