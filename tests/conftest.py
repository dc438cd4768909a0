"""Common pytest fixtures: project paths, the intent contract and the fact sheet (the project's copies), the trained model."""
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "current.tar.gz"


def pipeline_settings(name: str) -> dict:
    """The settings config.yml gives the pipeline component `name` (without its name)."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    component = next(c for c in config["pipeline"] if c["name"] == name)
    return {k: v for k, v in component.items() if k != "name"}


@pytest.fixture(scope="session")
def contract() -> dict:
    from bot import contract as intent_contract

    return intent_contract.contract(ROOT)


@pytest.fixture(scope="session")
def facts_text() -> str:
    from bot import contract as intent_contract

    return intent_contract.facts(ROOT)


@pytest.fixture(scope="session")
def model_path() -> Path:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} saknas: kör `make train` (eller `make test`, som tränar först).")
    return MODEL


@pytest.fixture(scope="session")
def parser(model_path):
    """The trained model, loaded once per test run, parsing in-process."""
    from bot.evaluation import Parser

    return Parser(str(model_path))


@pytest.fixture
def batched_calls(monkeypatch) -> list:
    """Records (component class, number of messages, whether one batched call served them) for
    every call of bot.nlu.batch_predict.batch_outputs during the test."""
    from bot.nlu import batch_predict

    calls = []
    original = batch_predict.batch_outputs

    def spy(component, messages):
        out = original(component, messages)
        calls.append((type(component).__name__, len(messages), out is not None))
        return out

    monkeypatch.setattr(batch_predict, "batch_outputs", spy)
    return calls


def featurized(parser, texts) -> list:
    """`texts` as messages after the last featurizer of the trained pipeline (what DIET reads)."""
    from rasa.core.channels.channel import UserMessage

    runner = parser.agent.processor.graph_runner
    target = [n for n in runner._instantiated_nodes if n.startswith("run_CountVectorsFeaturizer")][-1]
    return runner.run(inputs={"__message__": [UserMessage(t) for t in texts]}, targets=[target])[target]
