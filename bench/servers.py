"""Scaled mode on this machine: a fresh PostgreSQL database and Redis database per run, and the
servers (action server, Rasa replicas, web front) as child processes.

Shared by `tests/scale` and `bench.web` / `bench.soak`. Everything is on 127.0.0.1: PostgreSQL on
5432 (trust auth, user postgres) and Redis on 6379 unless `DB_*` / `REDIS_*` say otherwise.

    with ScaledStores() as stores:            # creates jamchat_run_<hex>, picks an empty Redis db
        env = stores.env()                    # DB_HOST … REDIS_DB for endpoints.scaled.yml
        ...
    # afterwards: the database is dropped and the Redis db flushed
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import psycopg2
import redis

from bot.tools import procs

ROOT = procs.ROOT
SCALED_ENDPOINTS = "endpoints.scaled.yml"
MODEL = ROOT / "models" / "current.tar.gz"


class ScaledStores:
    """A uniquely named PostgreSQL database and an unused Redis database number for one run."""

    def __init__(self, prefix: str = "jamchat_run") -> None:
        self.db_host = os.environ.get("DB_HOST", "127.0.0.1")
        self.db_port = int(os.environ.get("DB_PORT", "5432"))
        self.db_user = os.environ.get("DB_USER", "postgres")
        self.db_password = os.environ.get("DB_PASSWORD", "")
        self.redis_host = os.environ.get("REDIS_HOST", "127.0.0.1")
        self.redis_port = int(os.environ.get("REDIS_PORT", "6379"))
        self.db_name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self.redis_db: Optional[int] = None
        self._created = False

    # ------------------------------------------------------------------ setup / teardown
    def _admin(self, *statements: Tuple[str, tuple]) -> None:
        """Run statements on the maintenance database, outside a transaction."""
        conn = psycopg2.connect(
            host=self.db_host,
            port=self.db_port,
            user=self.db_user,
            password=self.db_password or None,
            dbname="postgres",
            connect_timeout=10,
        )
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                for sql, args in statements:
                    cur.execute(sql, args)
        finally:
            conn.close()

    def create(self) -> "ScaledStores":
        self._admin((f'CREATE DATABASE "{self.db_name}"', ()))
        self._created = True
        self.redis_db = self._free_redis_db()
        return self

    def _free_redis_db(self) -> int:
        """An empty Redis database number other than 0 (0 is what everyone uses by default)."""
        start = uuid.uuid4().int % 15
        for step in range(15):
            number = 1 + (start + step) % 15
            if redis.Redis(host=self.redis_host, port=self.redis_port, db=number).dbsize() == 0:
                return number
        raise RuntimeError("no empty Redis database among 1–15")

    def redis(self) -> "redis.Redis":
        assert self.redis_db is not None, "create() first"
        return redis.Redis(host=self.redis_host, port=self.redis_port, db=self.redis_db)

    def drop(self) -> None:
        """Flush the Redis database and drop the PostgreSQL database (closing connections to it)."""
        if self.redis_db is not None:
            self.redis().flushdb()
            self.redis_db = None
        if self._created:
            self._admin(
                ("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (self.db_name,)),
                (f'DROP DATABASE IF EXISTS "{self.db_name}"', ()),
            )
            self._created = False

    def __enter__(self) -> "ScaledStores":
        return self.create()

    def __exit__(self, *exc) -> None:
        self.drop()

    # ------------------------------------------------------------------ use
    def env(self) -> Dict[str, str]:
        """The environment variables `endpoints.scaled.yml` reads."""
        return {
            "DB_HOST": self.db_host,
            "DB_PORT": str(self.db_port),
            "DB_USER": self.db_user,
            "DB_PASSWORD": self.db_password,
            "DB_NAME": self.db_name,
            "REDIS_HOST": self.redis_host,
            "REDIS_PORT": str(self.redis_port),
            "REDIS_DB": str(self.redis_db),
        }

    def connect(self):
        """A connection to this run's database."""
        return psycopg2.connect(
            host=self.db_host,
            port=self.db_port,
            user=self.db_user,
            password=self.db_password or None,
            dbname=self.db_name,
            connect_timeout=10,
        )

    def events(self, sender_id: Optional[str] = None) -> List[Tuple[str, str, dict]]:
        """(sender_id, type_name, data) of stored events, in the order they were stored."""
        sql = "SELECT sender_id, type_name, data FROM events"
        args: tuple = ()
        if sender_id is not None:
            sql += " WHERE sender_id = %s"
            args = (sender_id,)
        conn = self.connect()
        try:
            with conn.cursor() as cur:
                cur.execute(sql + " ORDER BY id", args)
                return [(s, t, json.loads(d) if d else {}) for s, t, d in cur.fetchall()]
        finally:
            conn.close()

    def truncate(self) -> None:
        """Empty the events table (between two benchmark phases on the same replicas)."""
        conn = self.connect()
        try:
            with conn, conn.cursor() as cur:
                cur.execute("TRUNCATE events")
        finally:
            conn.close()


def strings(value, path: str = "") -> Iterator[Tuple[str, str]]:
    """(path, string) of every string inside a JSON value, e.g. ("parse_data.entities.0.value", "Umeå")."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{path}.{index}" if path else str(index))


class Servers:
    """The action server, Rasa replicas and web fronts started for one run; `stop()` ends them all."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.procs: List[subprocess.Popen] = []
        self.action_port: Optional[int] = None

    def actions(self) -> subprocess.Popen:
        self.action_port = procs.free_port()
        proc = procs.start_action_server(self.action_port, self.logs / "actions.log")
        self.procs.append(proc)
        return proc

    def rasa(
        self, name: str, endpoints: str, env: Optional[Dict[str, str]] = None, model: Path = MODEL
    ) -> Tuple[subprocess.Popen, str]:
        """Start one Rasa replica; returns the process and its base URL (wait for it with `wait`)."""
        assert self.action_port is not None, "start the action server first"
        port = procs.free_port()
        proc = procs.start_rasa(
            port, self.action_port, self.logs / f"rasa-{name}.log", model=model, endpoints=endpoints, extra_env=env
        )
        self.procs.append(proc)
        return proc, f"http://127.0.0.1:{port}"

    def web(self, name: str, rasa_urls: List[str], **env: str) -> Tuple[subprocess.Popen, str]:
        """Start the web front relaying to `rasa_urls` (RASA_URLS); returns the process and its URL."""
        port = procs.free_port()
        full_env = {
            k: v for k, v in os.environ.items() if not k.startswith("WEB_") and k not in ("RASA_URL", "RASA_URLS")
        }
        full_env.update({"WEB_HOST": "127.0.0.1", "WEB_PORT": str(port), "RASA_URLS": ",".join(rasa_urls)})
        full_env.update({k: str(v) for k, v in env.items()})
        log = self.logs / f"web-{name}.log"
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.web"], cwd=ROOT, env=full_env, stdout=log.open("wb"), stderr=subprocess.STDOUT
        )
        self.procs.append(proc)
        url = f"http://127.0.0.1:{port}"
        procs.wait_http(url + "/healthz", timeout=30, proc=proc)
        return proc, url

    def wait(self, url: str, proc: subprocess.Popen, timeout: float = 240) -> None:
        try:
            procs.wait_http(url + "/", timeout=timeout, proc=proc)
        except Exception as error:  # noqa: BLE001 - any failure: add the server's log tail
            raise RuntimeError(f"{error}\n{self.tail()}") from None

    def stop_one(self, proc: subprocess.Popen) -> None:
        procs.stop(proc)
        if proc in self.procs:
            self.procs.remove(proc)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            procs.stop(proc)
        self.procs.clear()

    def tail(self, chars: int = 2500) -> str:
        out = []
        for log in sorted(self.logs.glob("*.log")):
            out.append(f"--- {log.name}\n{log.read_text(errors='replace')[-chars:]}")
        return "\n".join(out)


def is_user_field(type_name: str, path: str) -> bool:
    """Does this field of a stored event hold what a user wrote: the text, the parsed text, entity
    values and texts, message metadata, slot values?"""
    if type_name == "user":
        return (
            path in ("text", "parse_data.text")
            or path.startswith("metadata")
            or (path.startswith("parse_data.entities.") and path.rsplit(".", 1)[-1] in ("value", "text"))
        )
    return type_name == "slot" and path.startswith("value")


def personal_data_in(events: List[Tuple[str, str, dict]]) -> Dict[str, list]:
    """Personal data (`bot.privacy.find`) in stored events, as (event type, field, kind, text):
    `user` in what users wrote (must be empty), `other` in any other field (the bot's own texts with
    public contacts, ids, model data)."""
    from bot.privacy import find

    found: Dict[str, list] = {"user": [], "other": []}
    for _sender, type_name, data in events:
        for path, text in strings(data):
            for span in find(text):
                found["user" if is_user_field(type_name, path) else "other"].append(
                    (type_name, path, span.kind, span.text)
                )
    return found
