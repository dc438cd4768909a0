"""bot.fast_graph: the node-by-node graph runner gives exactly the results of Rasa's dask runner."""
import asyncio
import json

import pytest
from rasa.engine.runner.dask import DaskGraphRunner

from bot import fast_graph
from bot.evaluation import load_examples

from conftest import ROOT


@pytest.fixture(scope="module")
def runners():
    """(Rasa's run, ours): installs the patch and keeps the original for comparison."""
    fast_graph.install()
    ours = DaskGraphRunner.run
    return ours._bot_original, ours


def _same(a, b) -> bool:
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def test_install_is_idempotent(runners):
    fast_graph.install()
    assert DaskGraphRunner.run is runners[1]


def test_nlu_parses_are_identical(parser, runners, monkeypatch):
    texts = [e.text for e in load_examples(str(ROOT / "tests" / "nlu_holdout.yml"))[::12]]
    assert len(texts) > 40
    monkeypatch.setattr(DaskGraphRunner, "run", runners[0])
    theirs = [parser.parse(t) for t in texts]
    monkeypatch.setattr(DaskGraphRunner, "run", runners[1])
    ours = [parser.parse(t) for t in texts]
    assert all(_same(a, b) for a, b in zip(theirs, ours))


def test_dialogue_answers_are_identical(parser, runners, monkeypatch):
    """Policy predictions through the whole processor: the same answers to the same conversation."""
    conversation = ["hej", "vad är kast", "hur fungerar det", "är det olagligt att köpa sex",
                    "vill ta livet av mig", "tack", "hej då"]

    def talk(sender):
        loop = parser._loop
        answers = [loop.run_until_complete(parser.agent.handle_text(t, sender_id=sender)) for t in conversation]
        return [[{k: v for k, v in m.items() if k != "recipient_id"} for m in a] for a in answers]

    monkeypatch.setattr(DaskGraphRunner, "run", runners[0])
    theirs = talk("graph-a")
    monkeypatch.setattr(DaskGraphRunner, "run", runners[1])
    ours = talk("graph-b")
    assert all(theirs) and _same(theirs, ours)


def test_plans_are_cached_per_target_set(parser, runners):
    runner = parser.agent.processor.graph_runner
    parser.parse("hej")
    plans = runner.__dict__.get("_bot_plans")
    assert plans, "no plan was cached"
    for targets, plan in plans.items():
        names = [name for name, _ in plan]
        assert set(targets) <= set(names) and len(names) == len(set(names))
        position = {n: i for i, n in enumerate(names)}
        for name, needs in plan:  # every parent runs before its child
            assert all(position[n] < position[name] for n in needs if n in position)
