"""bot.speedups.warm_start: the server parses one full batch before it takes requests, then freezes the GC."""

import gc

from rasa.core import run

from bot.speedups import warm_start

from .helpers import neural_component_names


def test_warm_up_parses_one_full_batch_through_the_models(parser, fast, batched_calls):
    assert warm_start.warm_up(parser.agent) > 0
    names = neural_component_names(parser)
    assert names, "the pipeline has no neural component to warm up"
    for name in names:  # each neural model predicted once for several messages at a time
        assert any(called == name and n > 1 and batched for called, n, batched in batched_calls), batched_calls


def test_freeze_exempts_the_loaded_objects_from_collection():
    try:
        assert warm_start.freeze() > 1000
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()


def test_install_wraps_rasas_model_loading_once():
    warm_start.install()
    first = run.load_agent_on_start
    warm_start.install()
    assert run.load_agent_on_start is first and getattr(first, "_bot_warm_start", False)
    assert first._bot_original.__module__ == "rasa.core.run"
