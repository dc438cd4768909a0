"""Helpers for the web front's tests: the web front as a real process and a tiny HTTP client.

The server owns the conversation id: `WebFront.new_conversation()` gets one from POST
/api/conversation. The fronts started here share the key `TEST_ID_SECRET` (WEB_ID_SECRET; pass
`WEB_ID_SECRET=""` for a random one), so `new_id()` can sign an id the way the front does, without a
request, and one id is valid on every test front (as with replicas sharing the secret).
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional

from fake_rasa import free_port

from bot.web.ids import IdIssuer

ROOT = Path(__file__).resolve().parents[2]


TEST_ID_SECRET = "web-tests-shared-id-secret-0123456789"
_ISSUER = IdIssuer(TEST_ID_SECRET.encode())


def new_id() -> str:
    """A conversation id as the test fronts issue it (signed with TEST_ID_SECRET)."""
    return _ISSUER.issue()[0]


@dataclass
class Reply:
    """One HTTP answer."""

    status: int
    headers: Dict[str, str]
    body: bytes
    header_list: list = field(default_factory=list)

    def json(self):
        return json.loads(self.body)

    def texts(self) -> str:
        return " ".join(m.get("text", "") for m in self.json().get("messages", []))


# The web front runs on its own environment (.venv-web, current sanic; `make setup` builds it), as
# `make run` serves it; without it, on the test interpreter.
_WEB_VENV_PYTHON = ROOT / ".venv-web" / "bin" / "python"
WEB_PYTHON = str(_WEB_VENV_PYTHON) if _WEB_VENV_PYTHON.exists() else sys.executable


class WebFront:
    """The web front as a subprocess, with a tiny HTTP client."""

    def __init__(self, rasa_url: str, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("WEB_") and k != "RASA_URL"}
        # Test traffic is not counted into the campaign counters (var/campaign_counts.db) unless a
        # test asks for it.
        self.env.update(
            {
                "WEB_HOST": "127.0.0.1",
                "WEB_PORT": str(self.port),
                "RASA_URL": rasa_url,
                "WEB_COUNTS_DB": "off",
                "WEB_NEW_IDS_PER_MINUTE": "100000",
                "WEB_NEW_IDS_PER_MINUTE_48": "100000",
                "WEB_ID_SECRET": TEST_ID_SECRET,
            }
        )
        self.env.update({k: str(v) for k, v in env.items()})
        if "DB_HOST" in env and "WEB_COUNTS_DB" not in env:
            self.env.pop("WEB_COUNTS_DB")  # counting into the tracker store's PostgreSQL (DB_*)
        self.log_file = tempfile.NamedTemporaryFile(prefix="web-front-", suffix=".log", delete=False)
        self.process: Optional[subprocess.Popen] = None

    def start(self, timeout: float = 30) -> "WebFront":
        self.process = subprocess.Popen(
            [WEB_PYTHON, "-m", "bot.web"], cwd=ROOT, env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"web front exited:\n{self.logs()}")
            try:
                if self.request("GET", "/healthz").status == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"web front did not start:\n{self.logs()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log_file.close()
        Path(self.log_file.name).unlink(missing_ok=True)

    def logs(self) -> str:
        return Path(self.log_file.name).read_text(encoding="utf-8", errors="replace")

    def request(
        self, method: str, path: str, body: Optional[bytes] = None, headers: Optional[Dict] = None, timeout: float = 30
    ) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return Reply(
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                response.read(),
                response.getheaders(),
            )
        finally:
            conn.close()

    def new_conversation(self, headers: Optional[Dict] = None) -> str:
        """A conversation id issued by the front (POST /api/conversation)."""
        reply = self.request(
            "POST", "/api/conversation", b"{}", dict({"Content-Type": "application/json"}, **(headers or {}))
        )
        assert reply.status == 200, (reply.status, reply.body)
        return reply.json()["conversation_id"]

    def delete(
        self, conversation_id: str, content_type: str = "application/json", headers: Optional[Dict] = None
    ) -> Reply:
        """POST /api/delete for a conversation."""
        body = json.dumps({"conversation_id": conversation_id}).encode()
        return self.request("POST", "/api/delete", body, dict({"Content-Type": content_type}, **(headers or {})))

    def post_json(self, data, headers: Optional[Dict] = None, **kwargs) -> Reply:
        return self.post_raw(json.dumps(data).encode(), headers, **kwargs)

    def post_raw(self, body: bytes, headers: Optional[Dict] = None, **kwargs) -> Reply:
        all_headers = {"Content-Type": "application/json"}
        all_headers.update(headers or {})
        return self.request("POST", "/api/message", body, all_headers, **kwargs)

    def say(self, message: str, conversation_id: Optional[str] = None, **kwargs) -> Reply:
        return self.post_json({"conversation_id": conversation_id or new_id(), "message": message}, **kwargs)
