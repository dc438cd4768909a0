"""Start and stop the project's servers as child processes (tests, benchmarks, screenshots).

One place that knows the command lines: the action server, Rasa with the REST channel, and how
to wait until a port answers.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

from bot.paths import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 120.0, proc: Optional[subprocess.Popen] = None) -> float:
    """Poll `url` until it answers; return the seconds it took. Raises if `proc` dies first."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return time.monotonic() - start
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def child_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED="0")
    env.update(extra or {})
    return env


def start_action_server(port: int, log: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)]
    return subprocess.Popen(
        cmd, cwd=ROOT, env=child_env({"SANIC_HOST": "127.0.0.1"}), stdout=log.open("wb"), stderr=subprocess.STDOUT
    )


def start_rasa(
    port: int,
    action_port: int,
    log: Path,
    model: Path = ROOT / "models" / "current.tar.gz",
    endpoints: str = "endpoints.yml",
    extra_env: Optional[Dict[str, str]] = None,
    extra_args: Optional[List[str]] = None,
) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "bot.rasa_main",
        "run",
        "--model",
        str(model),
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
        "--endpoints",
        endpoints,
        "--credentials",
        "credentials.yml",
    ] + (extra_args or [])
    env = child_env({"ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook", **(extra_env or {})})
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def stop(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
