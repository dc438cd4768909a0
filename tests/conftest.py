"""Common pytest fixtures: project paths, the intent contract and the fact sheet (the project's copies), the trained model.

Also sorts every collected test into exactly one tier (pytest.ini registers the markers):
`unit` (no model, no servers), `model` (needs models/current.tar.gz) and `live` (starts servers
or a browser). An explicit `@pytest.mark.<tier>` wins; otherwise a test is `live` when it or one
of its fixtures (or a helper of the same module they call) starts a server, `model` when it needs
the fixture `model_path`, else `unit`. `make test-fast` runs `-m unit`.
"""

import functools
import inspect
import re
import types
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "current.tar.gz"


def pipeline_settings(name: str) -> dict:
    """The settings config.yml gives the pipeline component `name` (without its name)."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    found = [c for c in config["pipeline"] if c["name"] == name]
    assert found, f"config.yml has no pipeline component {name!r} (names: {[c['name'] for c in config['pipeline']]})"
    return {k: v for k, v in found[0].items() if k != "name"}


@pytest.fixture(scope="session")
def contract() -> dict:
    from bot.domain import contract as intent_contract

    return intent_contract.contract(ROOT)


@pytest.fixture(scope="session")
def facts_text() -> str:
    from bot.domain import contract as intent_contract

    return intent_contract.facts(ROOT)


@pytest.fixture(scope="session")
def model_path() -> Path:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} saknas: kör `make train` (eller `make test`, som tränar först).")
    return MODEL


@pytest.fixture(scope="session")
def parser(model_path):
    """The trained model, loaded once per test run, parsing in-process."""
    from bot.tools.evaluation import Parser

    return Parser(str(model_path))


@pytest.fixture
def batched_calls(monkeypatch) -> list:
    """Records (component class, number of messages, whether one batched call served them) for
    every call of bot.speedups.batch_predict.batch_outputs by bot.rasa_plugins.classifiers during the test."""
    from bot.rasa_plugins import classifiers

    calls = []
    original = classifiers.batch_outputs

    def spy(component, messages):
        out = original(component, messages)
        calls.append((type(component).__name__, len(messages), out is not None))
        return out

    monkeypatch.setattr(classifiers, "batch_outputs", spy)
    return calls


# ---------------------------------------------------------------------------------------------- tiers
TIERS = ("unit", "model", "live")
TIERS_KEY = pytest.StashKey[dict]()  # nodeid -> the tier markers of every collected test
# Code that starts a server or a browser: Rasa or the action server (bot.tools.procs,
# bench.servers), the web front, the fake Rasas, PostgreSQL/Redis, Chromium, a listening socket.
# A class named here but defined in the test's own module (a stand-in object) is read instead.
SERVER_CLASSES = re.compile(
    r"\b(WebFront|FakeRasa|CountingFakeRasa|Servers|ScaledStores|Postgres|Redis|HTTPServer|"
    r"ThreadingHTTPServer|TCPSite)\("
)
STARTS_SERVER = re.compile(r"\bprocs\.start_|\bsync_playwright\b|\.listen\(|\bPopen\(")
ASKS_FIXTURE = re.compile(r"getfixturevalue\(\s*[\"'](\w+)[\"']")


def _code_names(code: types.CodeType) -> set:
    """Global names used by `code` and the functions nested in it."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _own(obj, module: str) -> bool:
    return (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module


@functools.lru_cache(maxsize=None)
def _scan(func) -> tuple:
    """(whether `func` starts a server, the fixtures it asks for by `request.getfixturevalue`),
    reading also the functions and classes of its own module it uses, transitively."""
    seen, todo, asked = set(), [inspect.unwrap(func)], set()
    while todo:
        f = todo.pop()
        if f in seen:
            continue
        seen.add(f)
        if inspect.isclass(f):
            todo += [m for m in vars(f).values() if inspect.isfunction(m)]
            continue
        if not hasattr(f, "__code__"):
            continue
        try:
            source = inspect.getsource(f)
        except (OSError, TypeError):
            source = ""
        if STARTS_SERVER.search(source) or any(
            not _own(f.__globals__.get(name), f.__module__) for name in SERVER_CLASSES.findall(source)
        ):
            return True, frozenset()
        asked |= set(ASKS_FIXTURE.findall(source))
        todo += [g for g in (f.__globals__.get(n) for n in _code_names(f.__code__)) if _own(g, f.__module__)]
    return False, frozenset(asked)


def tier_of(item) -> str:
    """The automatic tier of a test that names none itself: `live` if the test or any fixture it
    uses (also those asked for by `request.getfixturevalue`, except by autouse fixtures, which ask
    only when needed) starts a server, `model` if it uses `model_path`, else `unit`."""
    if not isinstance(item, pytest.Function):
        return "unit"
    starts, asked = _scan(item.function)
    if starts:
        return "live"
    todo, seen = [*item.fixturenames, *asked], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        defs = item._fixtureinfo.name2fixturedefs.get(name) or item.session._fixturemanager.getfixturedefs(name, item)
        if not defs or not callable(defs[-1].func):
            continue
        starts, asked = _scan(defs[-1].func)
        if starts:
            return "live"
        todo += defs[-1].argnames
        if not getattr(defs[-1], "_autouse", False):
            todo += asked
    return "model" if "model_path" in seen else "unit"


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects anything
def pytest_collection_modifyitems(config, items):
    tiers = {}
    for item in items:
        named = [name for name in TIERS if item.get_closest_marker(name)]
        if not named:
            named = [tier_of(item)]
            item.add_marker(named[0])
        tiers[item.nodeid] = named
    config.stash[TIERS_KEY] = tiers
