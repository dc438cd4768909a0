"""bot.speedups.graph_runner: the node-by-node graph runner gives exactly the results of Rasa's dask runner."""

from rasa.engine.runner.dask import DaskGraphRunner

from bot.speedups import graph_runner

from .helpers import holdout_texts, same


def test_install_is_idempotent():
    graph_runner.install()
    ours = DaskGraphRunner.run
    graph_runner.install()
    assert DaskGraphRunner.run is ours and ours._bot_original.__module__ == "rasa.engine.runner.dask"


def test_nlu_parses_are_identical(parser, fast, monkeypatch):
    texts = holdout_texts(step=12)
    assert len(texts) > 40
    ours = [parser.parse(t) for t in texts]
    monkeypatch.setattr(DaskGraphRunner, "run", DaskGraphRunner.run._bot_original)  # only this patch off
    theirs = [parser.parse(t) for t in texts]
    assert all(same(a, b) for a, b in zip(theirs, ours))


def test_dialogue_answers_are_identical(parser, fast, rasa_code):
    """Policy predictions through the whole processor: the same answers to the same conversation,
    with the speed-ups on and with Rasa's own code."""
    conversation = [
        "hej",
        "vad är kast",
        "hur fungerar det",
        "är det olagligt att köpa sex",
        "vill ta livet av mig",
        "tack",
        "hej då",
    ]

    def talk(sender):
        loop = parser._loop
        answers = [loop.run_until_complete(parser.agent.handle_text(t, sender_id=sender)) for t in conversation]
        return [[{k: v for k, v in m.items() if k != "recipient_id"} for m in a] for a in answers]

    ours = talk("graph-a")
    rasa_code()
    theirs = talk("graph-b")
    assert all(theirs) and same(theirs, ours)


def test_plans_are_cached_per_target_set(parser, fast):
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
