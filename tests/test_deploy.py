"""The compose file and the web front's image, checked without Docker: networks split, the web front
on its own slim image with everything it loads, Redis with a password, PostgreSQL with an app role
that is not a superuser, and no container with Linux capabilities, a writable root or a way to gain
privileges."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
DOCKERFILE = (DEPLOY / "web.Dockerfile").read_text(encoding="utf-8")
RASA_SERVICES = ("rasa-1", "rasa-2")


def networks(service: str) -> set:
    return set(SERVICES[service].get("networks") or [])


def test_only_the_web_front_publishes_a_port():
    assert [name for name, s in SERVICES.items() if s.get("ports")] == ["web"]


def test_networks_are_split():
    nets = COMPOSE["networks"]
    assert networks("web") == {"edge", "app", "counts"}
    for rasa in RASA_SERVICES:
        assert networks(rasa) == {"app", "actions", "data"}
    assert networks("actions") == {"actions"}
    assert networks("postgres") == {"data", "counts"} and networks("redis") == {"data"}
    assert networks("purge") == {"data"}
    for name in ("app", "actions", "data", "counts"):
        assert nets[name].get("internal") is True, name
    # the web front shares no network with Redis or the action server, and reaches PostgreSQL only
    # over `counts`, where nothing else is
    assert not networks("web") & (networks("redis") | networks("actions"))
    assert networks("web") & networks("postgres") == {"counts"}
    assert sorted(name for name in SERVICES if "counts" in networks(name)) == ["postgres", "web"]


def test_the_counting_role_can_touch_only_the_counters():
    script = (DEPLOY / "postgres" / "10-app-role.sh").read_text(encoding="utf-8")
    grants = [line for line in script.splitlines() if "counts_user" in line and line.startswith("GRANT")]
    assert grants == [
        'GRANT CONNECT ON DATABASE :"db" TO :"counts_user";',
        'GRANT USAGE ON SCHEMA public TO :"counts_user";',
        'GRANT SELECT, INSERT, UPDATE ON campaign_counts TO :"counts_user";',
    ]
    assert "COUNTS_PASSWORD" in SERVICES["web"]["environment"]["WEB_COUNTS_DB"]


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_container_is_locked_down(name):
    service = SERVICES[name]
    assert service.get("cap_drop") == ["ALL"], name
    assert service.get("read_only") is True, name
    assert "no-new-privileges:true" in service.get("security_opt", []), name
    assert "cap_add" not in service and not service.get("privileged"), name


def test_redis_requires_a_password():
    redis = SERVICES["redis"]
    command = " ".join(redis["command"])
    assert "requirepass" in command and "$$REDIS_PASSWORD" in command
    assert redis["environment"]["REDIS_PASSWORD"].startswith("${REDIS_PASSWORD:?")
    assert "REDISCLI_AUTH" in " ".join(redis["healthcheck"]["test"])
    # Rasa gets the password, and its lock store uses it
    assert COMPOSE["x-rasa-env"]["REDIS_PASSWORD"].startswith("${REDIS_PASSWORD:?")
    build = COMPOSE["x-rasa-build"]["dockerfile_inline"]
    assert "password: $${REDIS_PASSWORD}" in build or "REDIS_PASSWORD" in (ROOT / "endpoints.scaled.yml").read_text()
    assert "REDIS_PASSWORD" not in SERVICES["web"].get("environment", {})


def test_the_redis_password_is_added_to_the_lock_store_as_a_variable():
    """The sed line in the Rasa image, run on the endpoints file (after Compose turns $$ into $)."""
    build = COMPOSE["x-rasa-build"]["dockerfile_inline"].replace("$$", "$")
    script = re.search(r"sed -i '([^']+)'", build).group(1)
    endpoints = (ROOT / "endpoints.scaled.yml").read_text(encoding="utf-8")
    patched = subprocess.run(["sed", script], input=endpoints, capture_output=True, text=True, check=True).stdout
    lock_store = yaml.safe_load(patched.replace("${", "").replace("}", ""))["lock_store"]
    assert lock_store["type"] == "redis" and lock_store["password"] == "REDIS_PASSWORD"


def test_postgres_app_role_is_not_a_superuser():
    postgres = SERVICES["postgres"]
    env = postgres["environment"]
    # the superuser is a different account from the one Rasa logs in with
    assert env["POSTGRES_USER"] == "${DB_ADMIN_USER:-postgres}"
    assert env["POSTGRES_PASSWORD"].startswith("${DB_ADMIN_PASSWORD:?")
    assert COMPOSE["x-rasa-env"]["DB_USER"] == env["DB_USER"] == "${DB_USER:-jamchat}"
    mounts = postgres["volumes"]
    assert "./postgres/10-app-role.sh:/docker-entrypoint-initdb.d/10-app-role.sh:ro" in mounts
    script = (DEPLOY / "postgres" / "10-app-role.sh").read_text(encoding="utf-8")
    role = re.search(r"CREATE ROLE [^;]+;", script).group(0)
    for attribute in ("NOSUPERUSER", "NOCREATEDB", "NOCREATEROLE", "NOREPLICATION", "NOBYPASSRLS"):
        assert attribute in role
    assert "REVOKE ALL ON DATABASE" in script and "GRANT CONNECT ON DATABASE" in script
    assert not re.search(r"GRANT\s+ALL|OWNER TO|SUPERUSER\s", script.replace("NOSUPERUSER", ""))


def test_containers_run_as_non_root_users():
    assert SERVICES["postgres"]["user"] == "postgres" and SERVICES["redis"]["user"] == "redis"
    assert "USER 1001" in COMPOSE["x-rasa-build"]["dockerfile_inline"]
    assert re.search(r"^USER 10001", DOCKERFILE, re.M)


def test_the_web_front_has_its_own_slim_image():
    web = SERVICES["web"]
    assert web["build"]["dockerfile"] == "deploy/web.Dockerfile"
    assert re.search(r"^FROM python:3\.1[0-9]-slim$", DOCKERFILE, re.M)
    assert "-r /tmp/requirements-web.lock" in DOCKERFILE and "requirements.lock" not in DOCKERFILE.replace(
        "requirements-web.lock", ""
    )
    instructions = "\n".join(row for row in DOCKERFILE.splitlines() if not row.startswith("#")).lower()
    assert "rasa" not in instructions and "models/" not in instructions
    # counters over `counts` as the counting role; never the conversations' role or password
    assert web["environment"]["WEB_COUNTS_DB"].startswith("postgresql://${COUNTS_USER")
    assert "DB_HOST" not in web["environment"] and "DB_PASSWORD" not in web["environment"]


def _copied() -> list:
    """Destination-relative source paths of the COPY lines into /srv/jamchat."""
    sources = []
    for line in re.findall(r"^COPY (.+)$", DOCKERFILE, re.M):
        parts = line.split()
        sources += [p for p in parts[:-1] if not p.startswith("requirements")]
    return sources


def test_the_image_has_every_file_the_web_front_loads():
    """Start the web front's app in a subprocess, record the project files it imports and opens,
    and check each is copied by web.Dockerfile."""
    code = (
        "import sys, json\n"
        "opened = set()\n"
        "sys.addaudithook(lambda e, a: opened.add(a[0]) if e == 'open' and isinstance(a[0], str) else None)\n"
        "from bot.web.app import create_app\n"
        "from bot.web.config import Settings\n"
        "create_app(Settings(counts_db='off'))\n"
        "files = {m.__file__ for m in list(sys.modules.values()) if getattr(m, '__file__', None)} | opened\n"
        "print(json.dumps(sorted(files)))\n"
    )
    import json

    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    used = set()
    for name in json.loads(out):
        path = Path(name)
        if not path.is_absolute():
            path = ROOT / path
        try:
            rel = path.resolve().relative_to(ROOT)
        except ValueError:
            continue
        if rel.parts[0] in ("bot", "content", "domain.yml") and "__pycache__" not in rel.parts:
            used.add(rel.as_posix())
    assert "bot/web/app.py" in used and "content/safety.yml" in used and "domain.yml" in used
    copied = _copied()
    missing = [f for f in sorted(used) if not any(f == c or f.startswith(c.rstrip("/") + "/") for c in copied)]
    assert not missing, f"deploy/web.Dockerfile does not copy: {missing}"


def test_env_example_names_every_required_secret():
    example = (DEPLOY / "jamchat.env.example").read_text(encoding="utf-8")
    text = (DEPLOY / "docker-compose.yml").read_text(encoding="utf-8")
    required = set(re.findall(r"\$\{(\w+):\?", text))
    assert required == {"DB_PASSWORD", "DB_ADMIN_PASSWORD", "REDIS_PASSWORD", "COUNTS_PASSWORD"}
    for name in required:
        assert re.search(rf"^{name}=$", example, re.M), name
