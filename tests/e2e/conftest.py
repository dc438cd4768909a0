"""A live Rasa server and action server for end-to-end tests through the REST channel."""

import json
import urllib.request
import uuid

import pytest

from bot.tools import procs


class RestClient:
    """Talks to Rasa's REST channel like the web front does."""

    def __init__(self, base: str) -> None:
        self.url = f"{base}/webhooks/rest/webhook"

    def send(self, message: str, sender: str = None) -> list:
        body = json.dumps({"sender": sender or uuid.uuid4().hex, "message": message}).encode()
        req = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            assert resp.status == 200
            return json.loads(resp.read())

    def text(self, message: str, sender: str = None) -> str:
        """All bot texts of one turn joined, with button titles."""
        out = []
        for m in self.send(message, sender):
            out.append(m.get("text") or "")
            out += [b["title"] for b in m.get("buttons") or []]
        return "\n".join(out)


@pytest.fixture(scope="session")
def servers(model_path, tmp_path_factory):
    logs = tmp_path_factory.mktemp("logs")
    action_port, rasa_port = procs.free_port(), procs.free_port()
    actions = procs.start_action_server(action_port, logs / "actions.log")
    rasa = procs.start_rasa(rasa_port, action_port, logs / "rasa.log", model=model_path)
    try:
        procs.wait_http(f"http://127.0.0.1:{action_port}/health", proc=actions)
        procs.wait_http(f"http://127.0.0.1:{rasa_port}/", timeout=180, proc=rasa)
    except Exception as error:
        procs.stop(actions), procs.stop(rasa)
        raise RuntimeError(
            "servers did not start:\n"
            + (logs / "rasa.log").read_text()[-3000:]
            + (logs / "actions.log").read_text()[-2000:]
        ) from error
    yield {"actions": actions, "rasa": rasa, "rasa_url": f"http://127.0.0.1:{rasa_port}", "logs": logs}
    procs.stop(rasa)
    procs.stop(actions)


@pytest.fixture(scope="session")
def rest(servers) -> RestClient:
    return RestClient(servers["rasa_url"])
