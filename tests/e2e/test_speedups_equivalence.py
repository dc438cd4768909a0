"""The speed-ups change no answer: `python -m bot.rasa_main` with BOT_SPEEDUPS=0 (Rasa's own code)
and with the speed-ups on give the same intents, topics and confidences on the whole held-out set,
and the same actions on every test story."""

import json
import subprocess
import sys
import urllib.request

import pytest
from conftest import ROOT

from bot.tools import procs
from bot.tools.evaluation import load_examples

# Confidences may differ in the last digits: the speed-ups call the same compiled TensorFlow graph
# directly and join sparse matrices in another order of operations. Intents and topics must be equal.
TOLERANCE = 1e-4


def _parse_all(base: str, texts):
    out = []
    for text in texts:
        request = urllib.request.Request(
            f"{base}/model/parse", json.dumps({"text": text}).encode(), {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            out.append(json.loads(response.read()))
    return out


def _summary(parse: dict):
    """(intent, topic, intent confidence, topic confidence, the first three of the ranking)."""
    selector = parse.get("response_selector") or {}
    intent = parse["intent"]["name"]
    topic = (selector.get(intent) or {}).get("response") or {}
    return (
        intent,
        topic.get("intent_response_key"),
        parse["intent"].get("confidence") or 0.0,
        topic.get("confidence") or 0.0,
        [r["name"] for r in parse.get("intent_ranking", [])[:3]],
    )


@pytest.fixture(scope="module")
def two_servers(model_path, tmp_path_factory):
    """Rasa through the launcher twice, at the same time: speed-ups on and off (API on 127.0.0.1 only)."""
    logs = tmp_path_factory.mktemp("equivalence")
    started = {}
    try:
        for switch in ("1", "0"):
            port = procs.free_port()
            proc = procs.start_rasa(
                port,
                procs.free_port(),
                logs / f"rasa-{switch}.log",
                model=model_path,
                extra_env={"BOT_SPEEDUPS": switch},
                extra_args=["--enable-api"],
            )
            started[switch] = (proc, f"http://127.0.0.1:{port}")
        for proc, base in started.values():
            procs.wait_http(f"{base}/", timeout=240, proc=proc)
        yield {switch: base for switch, (_, base) in started.items()}
    finally:
        for proc, _ in started.values():
            procs.stop(proc)
    assert "Speed-ups switched off" in (logs / "rasa-0.log").read_text(errors="replace")


def test_same_parses_on_the_held_out_set(two_servers):
    texts = [e.text for e in load_examples(str(ROOT / "tests" / "nlu_holdout.yml"))]
    assert len(texts) > 900
    fast = [_summary(p) for p in _parse_all(two_servers["1"], texts)]
    stock = [_summary(p) for p in _parse_all(two_servers["0"], texts)]
    differing = [
        (t, a, b)
        for t, a, b in zip(texts, fast, stock)
        if a[0] != b[0] or a[1] != b[1] or a[4] != b[4] or abs(a[2] - b[2]) > TOLERANCE or abs(a[3] - b[3]) > TOLERANCE
    ]
    assert not differing, differing[:5]


def _story_reports(tmp_path) -> dict:
    """`rasa test core` on every test story through the launcher, speed-ups on and off at once."""
    runs = {}
    for switch in ("1", "0"):
        out = tmp_path / f"core-{switch}"
        cmd = [
            sys.executable,
            "-m",
            "bot.rasa_main",
            "test",
            "core",
            "--stories",
            "tests/stories",
            "--model",
            str(ROOT / "models" / "current.tar.gz"),
            "--e2e",
            "--out",
            str(out),
            "--quiet",
        ]
        log = (tmp_path / f"core-{switch}.log").open("wb")
        runs[switch] = (
            out,
            subprocess.Popen(
                cmd, cwd=ROOT, env=procs.child_env({"BOT_SPEEDUPS": switch}), stdout=log, stderr=subprocess.STDOUT
            ),
        )
    reports = {}
    for switch, (out, proc) in runs.items():
        assert proc.wait(timeout=900) == 0, (tmp_path / f"core-{switch}.log").read_text()[-3000:]
        failed = out / "failed_test_stories.yml"
        assert not failed.exists() or "stories:" not in failed.read_text(), failed.read_text()[:2000]
        reports[switch] = json.loads((out / "story_report.json").read_text())
    return reports


def test_same_actions_on_every_test_story(model_path, tmp_path):
    reports = _story_reports(tmp_path)
    assert reports["1"] == reports["0"]
    assert reports["1"]["weighted avg"]["f1-score"] == 1.0
