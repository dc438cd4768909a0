"""Helpers shared by the speed-up tests: held-out texts, parse comparison, the parser's components."""

import json
from typing import Any, List

import pytest

from bot.paths import ROOT
from bot.tools.evaluation import load_examples


def holdout_texts(start: int = 0, step: int = 1) -> List[str]:
    """Every `step`th text of tests/nlu_holdout.yml from `start`."""
    return [e.text for e in load_examples(str(ROOT / "tests" / "nlu_holdout.yml"))[start::step]]


def same(a: Any, b: Any) -> bool:
    """Exactly equal (as JSON, numbers to the last digit)."""
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def close(a: Any, b: Any, path: str = "") -> None:
    """Equal parses, floats within 1e-5 (a batch pads the sequences; the maths is the same)."""
    if isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, abs=1e-5), path
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            close(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            close(x, y, f"{path}[{i}]")
    else:
        assert a == b, path


def nodes(parser) -> dict:
    """The graph nodes of the parser's model (name → node)."""
    return parser.agent.processor.graph_runner._instantiated_nodes


def components(parser, cls) -> list:
    """The parser's graph components that are instances of `cls`, in graph order."""
    return [n._component for n in nodes(parser).values() if isinstance(getattr(n, "_component", None), cls)]


def neural_models(parser) -> list:
    """The TensorFlow models of the parser's neural components (DIETClassifier, ResponseSelector)."""
    return [
        n._component.model
        for n in nodes(parser).values()
        if hasattr(getattr(getattr(n, "_component", None), "model", None), "run_inference")
    ]


def neural_component_names(parser) -> set:
    """Class names of the parser's components with a TensorFlow model (DIETClassifier and its
    subclass ResponseSelector, those of them config.yml names)."""
    return {
        type(n._component).__name__
        for n in nodes(parser).values()
        if hasattr(getattr(getattr(n, "_component", None), "model", None), "run_inference")
    }


def select_everywhere(parser, monkeypatch) -> None:
    """Make the parser's ResponseSelector run on every message (no `only_if_intent_in_top`), so that
    parses with the speed-ups on and off differ only by what the other speed-ups do."""
    from rasa.nlu.selectors.response_selector import ResponseSelector

    from bot.speedups.selective_selector import CONFIG_KEY

    for selector in components(parser, ResponseSelector):
        monkeypatch.setitem(selector.component_config, CONFIG_KEY, None)


def featurized(parser, texts) -> list:
    """`texts` as messages after the last featurizer of the trained pipeline (what DIET reads)."""
    from rasa.core.channels.channel import UserMessage
    from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer

    runner = parser.agent.processor.graph_runner
    target = [
        name
        for name, node in nodes(parser).items()
        if isinstance(getattr(node, "_component", None), CountVectorsFeaturizer)
    ][-1]
    return runner.run(inputs={"__message__": [UserMessage(t) for t in texts]}, targets=[target])[target]
