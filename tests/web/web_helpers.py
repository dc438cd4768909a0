"""Helpers for the web front's tests: the web front as a real process and a tiny HTTP client."""
from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional

from fake_rasa import free_port

ROOT = Path(__file__).resolve().parents[2]


def new_id() -> str:
    """A conversation id as the widget makes it."""
    return uuid.uuid4().hex


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


class WebFront:
    """The web front as a subprocess, with a tiny HTTP client."""

    def __init__(self, rasa_url: str, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("WEB_") and k != "RASA_URL"}
        # Test traffic is not counted into the campaign counters (var/campaign_counts.db) unless a
        # test asks for it.
        self.env.update({"WEB_HOST": "127.0.0.1", "WEB_PORT": str(self.port), "RASA_URL": rasa_url,
                         "WEB_COUNTS_DB": "off"})
        self.env.update({k: str(v) for k, v in env.items()})
        self.log_file = tempfile.NamedTemporaryFile(prefix="web-front-", suffix=".log", delete=False)
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> "WebFront":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.web"], cwd=ROOT, env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
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

    def request(self, method: str, path: str, body: Optional[bytes] = None, headers: Optional[Dict] = None, timeout: float = 30) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read(), response.getheaders())
        finally:
            conn.close()

    def post_json(self, data, headers: Optional[Dict] = None, **kwargs) -> Reply:
        return self.post_raw(json.dumps(data).encode(), headers, **kwargs)

    def post_raw(self, body: bytes, headers: Optional[Dict] = None, **kwargs) -> Reply:
        all_headers = {"Content-Type": "application/json"}
        all_headers.update(headers or {})
        return self.request("POST", "/api/message", body, all_headers, **kwargs)

    def say(self, message: str, conversation_id: Optional[str] = None, **kwargs) -> Reply:
        return self.post_json({"conversation_id": conversation_id or new_id(), "message": message}, **kwargs)
