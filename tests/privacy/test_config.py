"""Privacy settings of the project: telemetry off, Rasa only on 127.0.0.1 without its HTTP API,
our channel and store configured, environment variables in endpoints files really expanded."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from rasa.utils.endpoints import read_endpoint_config

from bot.tools import procs

from .stores import ROOT, STORE_TYPE


def text(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def test_telemetry_is_off_everywhere_rasa_is_started():
    assert re.search(r"^export RASA_TELEMETRY_ENABLED\s*:?=\s*false\s*$", text("Makefile"), re.M)
    assert re.search(r"^export RASA_TELEMETRY_ENABLED=false\b", text("scripts/run.sh"), re.M)
    assert procs.child_env()["RASA_TELEMETRY_ENABLED"] == "false"
    assert procs.child_env({"X": "1"})["RASA_TELEMETRY_ENABLED"] == "false"


def _rasa_run_line() -> list:
    script = text("scripts/run.sh")
    joined = script.replace("\\\n", " ")
    line = next(row for row in joined.splitlines() if "bot.rasa_main run" in row)
    return shlex.split(line.split("&")[0])


def test_rasa_binds_localhost_without_http_api():
    args = _rasa_run_line()
    assert args[args.index("--interface") + 1] == "127.0.0.1"
    assert "--enable-api" not in args and "--cors" not in args
    assert "--credentials" in args and args[args.index("--credentials") + 1] == "credentials.yml"
    source = Path(procs.__file__).read_text(encoding="utf-8")
    assert re.search(r'"--interface",\s*"127\.0\.0\.1"', source) and "--enable-api" not in source


def test_action_server_binds_localhost():
    assert 'SANIC_HOST="${ACTION_HOST:-127.0.0.1}"' in text("scripts/run.sh")
    assert '"SANIC_HOST": "127.0.0.1"' in Path(procs.__file__).read_text(encoding="utf-8")


def test_credentials_have_only_the_masking_channel():
    credentials = yaml.safe_load(text("credentials.yml"))
    assert list(credentials) == ["bot.rasa_plugins.channel.MaskingRestInput"]


@pytest.mark.parametrize("name", ["endpoints.yml", "endpoints.scaled.yml"])
def test_endpoints_use_the_masking_store(name, monkeypatch):
    env = {
        "ACTION_ENDPOINT_URL": "http://127.0.0.1:5055/webhook",
        "DB_HOST": "db.internal",
        "DB_PORT": "6543",
        "DB_USER": "rasa",
        "DB_PASSWORD": "",
        "DB_NAME": "rasa",
        "REDIS_HOST": "redis.internal",
        "REDIS_PORT": "6380",
        "REDIS_DB": "1",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    path = str(ROOT / name)
    store = read_endpoint_config(path, "tracker_store")
    assert store.type == STORE_TYPE
    assert store.kwargs["inner"] == ("in_memory" if name == "endpoints.yml" else "sql")
    # Rasa 3.6 expands ${VAR} only outside quotes: every value must arrive expanded
    assert read_endpoint_config(path, "action_endpoint").url == env["ACTION_ENDPOINT_URL"]
    if name == "endpoints.scaled.yml":
        assert store.url == "db.internal" and store.kwargs["port"] == "6543" and store.kwargs["db"] == "rasa"
        lock = read_endpoint_config(path, "lock_store")
        assert (lock.url, lock.kwargs["port"], lock.kwargs["db"]) == ("redis.internal", "6380", "1")
    assert "${" not in repr((store.url, store.kwargs))


def test_makefile_has_purge():
    assert re.search(r"^purge:.*\n\t\$\(PY\) -m bot purge$", text("Makefile"), re.M)


def test_web_front_logs_no_client_addresses():
    """The web front has the access log off and never logs the client address (see bot/web/app.py)."""
    app = (ROOT / "bot" / "web" / "app.py").read_text(encoding="utf-8")
    main = (ROOT / "bot" / "web" / "__main__.py").read_text(encoding="utf-8")
    assert '"ACCESS_LOG": False' in app and "access_log=False" in main
    assert not re.search(r"log\w*\.\w+\(.*(remote_addr|client_address|request\.ip|x-forwarded-for)", app, re.I)
