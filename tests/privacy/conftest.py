"""Fixtures for the privacy tests: throwaway PostgreSQL and Redis, and a live scaled-mode stack.

`live` is the action server, Rasa (models/current.tar.gz, endpoints.scaled.yml, --debug, log to a
file) with its tracker store in our PostgreSQL and its lock store in our Redis, and the web front
(`python -m bot.web`) in front of it. It is started once per session; when a test that needs it has
been collected, Rasa is launched before the first test so that the in-process tests run while the
model loads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from bot.tools import procs

from .pg_redis import Postgres, Redis, free_port, unavailable_reason

ROOT = Path(__file__).resolve().parents[2]
RASA_START_TIMEOUT = 300  # model loading on a busy two-core machine
LIVE_DB = "rasa_live"
LIVE_REDIS_DB = 1

# Personal data sent through the live stack; none of it may be stored or logged.
PERSONAL = {
    "personnummer": ["19850709-1234", "850709-1234", "850709+1234"],
    "telefon": ["070-123 45 67", "+46 70 765 43 21", "08-123 456 78"],
    "e-post": ["anna.svensson@example.se", "kalle(at)exempel.nu"],
    "adress": ["Storgatan 12", "Per Albin Hanssons väg 41"],
    "ip": ["192.168.10.23", "2001:db8:85a3::8a2e:370:7334"],
}
MESSAGES = [
    "hej, jag heter inget men mitt personnummer är 19850709-1234",
    "min pojkvän 850709-1234 tvingar mig att sälja sex, han har 850709+1234 på sitt id-kort",
    "ring mig på 070-123 45 67 eller +46 70 765 43 21, hemma 08-123 456 78",
    "mejla mig på anna.svensson@example.se eller kalle(at)exempel.nu",
    "jag bor på Storgatan 12 i Göteborg och han bor på Per Albin Hanssons väg 41 i Malmö",
    "han loggade in från 192.168.10.23 och 2001:db8:85a3::8a2e:370:7334",
]


def personal_strings() -> List[str]:
    return [s for values in PERSONAL.values() for s in values]


def digits_variants() -> List[str]:
    """Digit runs of the numbers, in case something stored them without spaces or dashes."""
    out = []
    for kind in ("personnummer", "telefon"):
        for value in PERSONAL[kind]:
            digits = "".join(c for c in value if c.isdigit())
            out.append(digits)
    return out


def find_personal(text: str) -> List[str]:
    """Every piece of PERSONAL found in `text`: as written, JSON-escaped (Rasa's log writes "ä" as
    "\\u00e4"), as bare digits, and the telling parts of e-mail addresses and addresses."""
    found = []
    for value in personal_strings():
        if value in text or json.dumps(value)[1:-1] in text:
            found.append(value)
    for digits in digits_variants():
        if digits in text:
            found.append(digits)
    for part in ("anna.svensson", "kalle(at)", "Storgatan 12", "Hanssons väg 41", "Hanssons vag 41"):
        if part in text or json.dumps(part)[1:-1] in text:
            found.append(part)
    return sorted(set(found))


# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def servers_available() -> None:
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def pg(servers_available):
    server = Postgres()
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def redis_server(servers_available):
    server = Redis()
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture
def pg_up(pg) -> Postgres:
    """The throwaway PostgreSQL, started again if a fault test left it stopped."""
    if not pg.running:
        pg.start()
    return pg


@pytest.fixture
def redis_up(redis_server) -> Redis:
    if not redis_server.running:
        redis_server.start()
    return redis_server


# ---------------------------------------------------------------------------------------------
class WebFront:
    """`python -m bot.web` against a Rasa URL, with generous limits."""

    def __init__(self, rasa_url: str, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("WEB_") and k != "RASA_URL"}
        env.update(
            WEB_HOST="127.0.0.1",
            WEB_PORT=str(self.port),
            RASA_URL=rasa_url,
            WEB_RATE_CLIENT="100000",
            WEB_RATE_CONVERSATION="100000",
            WEB_RASA_TIMEOUT="20",
            WEB_RASA_QUEUE_TIMEOUT="5",
            WEB_NEW_IDS_PER_MINUTE="100000",
            WEB_NEW_IDS_PER_MINUTE_48="100000",
        )
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.web"], cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
        )

    def wait(self, timeout: float = 60) -> None:
        procs.wait_http(f"{self.url}/healthz", timeout=timeout, proc=self.process)

    def post(self, path: str, data, timeout: float = 40):
        """(HTTP status, JSON body) of a POST of `data` as JSON."""
        body = json.dumps(data).encode()
        request = urllib.request.Request(f"{self.url}{path}", body, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def new_conversation(self) -> str:
        """A conversation id issued by the web front (it is also Rasa's sender id)."""
        status, body = self.post("/api/conversation", {})
        assert status == 200, (status, body)
        return body["conversation_id"]

    def say(self, message: str, conversation_id: str, timeout: float = 40):
        """(HTTP status, JSON body) of POST /api/message."""
        return self.post("/api/message", {"conversation_id": conversation_id, "message": message}, timeout)

    def delete(self, conversation_id: str, timeout: float = 40):
        """(HTTP status, JSON body) of POST /api/delete."""
        return self.post("/api/delete", {"conversation_id": conversation_id}, timeout)


@dataclass
class Live:
    pg: Postgres
    redis: Redis
    db: str
    rasa_url: str
    rasa_log: Path
    actions_log: Path
    web: WebFront
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)
    launched_at: float = 0.0  # time.monotonic() when the processes were started
    ready_after: Optional[float] = None  # seconds until Rasa answered

    def send(self, message: str, sender: str, timeout: float = 60):
        """(HTTP status, JSON body) of a POST to Rasa's REST webhook."""
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/rest/webhook", body, {"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def stored(self, sender: Optional[str] = None) -> List[tuple]:
        """(sender_id, type_name, intent_name, data) rows of the events table."""
        sql = "SELECT sender_id, type_name, intent_name, data FROM events"
        if sender is None:
            return self.pg.query(self.db, sql + " ORDER BY id")
        return self.pg.query(self.db, sql + " WHERE sender_id = %s ORDER BY id", sender)


def _collected_live(session) -> bool:
    return any("live" in getattr(item, "fixturenames", ()) for item in session.items)


@pytest.fixture(scope="session")
def _live_launch(request, tmp_path_factory):
    """Start PostgreSQL, Redis, the action server, Rasa and the web front without waiting for Rasa."""
    if unavailable_reason():
        yield None
        return
    model = ROOT / "models" / "current.tar.gz"
    if not model.exists():
        yield None
        return
    logs = tmp_path_factory.mktemp("privacy-live")
    pg = request.getfixturevalue("pg")
    redis = request.getfixturevalue("redis_server")
    db = pg.create_database(LIVE_DB)
    action_port, rasa_port = procs.free_port(), procs.free_port()
    env = {
        "DB_HOST": "127.0.0.1",
        "DB_PORT": str(pg.port),
        "DB_USER": "postgres",
        "DB_PASSWORD": "",
        "DB_NAME": db,
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": str(redis.port),
        "REDIS_DB": str(LIVE_REDIS_DB),
    }
    started = time.monotonic()
    processes: Dict[str, subprocess.Popen] = {}
    try:
        processes["actions"] = procs.start_action_server(action_port, logs / "actions.log")
        processes["rasa"] = procs.start_rasa(
            rasa_port,
            action_port,
            logs / "rasa.log",
            model=model,
            endpoints="endpoints.scaled.yml",
            extra_env=env,
            extra_args=["--debug"],
        )
        rasa_url = f"http://127.0.0.1:{rasa_port}"
        web = WebFront(rasa_url, logs / "web.log")
        processes["web"] = web.process
        yield Live(pg, redis, db, rasa_url, logs / "rasa.log", logs / "actions.log", web, processes, started)
    finally:
        for name in ("web", "rasa", "actions"):
            if name in processes:
                procs.stop(processes[name], timeout=5)


@pytest.fixture(scope="session", autouse=True)
def _launch_early(request):
    """Launch the live stack before the first test if any collected test needs it."""
    if _collected_live(request.session):
        request.getfixturevalue("_live_launch")


@pytest.fixture(scope="session")
def live(_live_launch) -> Live:
    if _live_launch is None:
        pytest.skip(unavailable_reason() or "models/current.tar.gz is missing: run `make train`")
    stack: Live = _live_launch
    if stack.ready_after is None:
        try:
            procs.wait_http(f"{stack.rasa_url}/", timeout=RASA_START_TIMEOUT, proc=stack.processes["rasa"])
            stack.web.wait()
        except Exception as error:
            raise RuntimeError(
                f"live stack did not start ({error}):\n"
                + stack.rasa_log.read_text(errors="replace")[-4000:]
                + stack.actions_log.read_text(errors="replace")[-1000:]
            ) from None
        stack.ready_after = time.monotonic() - stack.launched_at
        print(f"\n[privacy] Rasa ready {stack.ready_after:.0f} s after launch")
    return stack


@pytest.fixture
def live_up(live, pg_up, redis_up) -> Live:
    """The live stack with both databases running."""
    return live


def new_sender() -> str:
    return uuid.uuid4().hex
