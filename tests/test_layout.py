"""The package layout holds: import directions, framework-free layers, the one project root, docstrings.

Every .py file in bot/, actions/, bench/, tools/ and scripts/ is parsed with `ast` (never imported,
so no model, Rasa or sanic is needed); imports inside functions count too. The layers and their
allowed imports are described in docs/design.md ("Layout"):

    domain        -> (nothing of ours but bot.paths)
    privacy       -> domain
    speedups      -> domain
    rasa_plugins  -> speedups, privacy, domain
    web           -> privacy, domain
    tools         -> anything in bot/   (bot/tools/, bot/__main__.py, bot/rasa_main.py)
    actions       -> domain, privacy
    bench         -> anything in bot/, bench
    scripts       -> anything in bot/   (tools/*.py, scripts/*.py)

`bot.paths` (and the bare `bot` package) may be imported by everyone. Each failure names the file,
the line, the import and the rule it breaks.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterator, List, Optional, Tuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("bot", "actions", "bench", "tools", "scripts")

BOT_LAYERS = ("domain", "privacy", "speedups", "rasa_plugins", "web", "tools")
ALLOWED: Dict[str, Tuple[str, ...]] = {
    "domain": (),
    "privacy": ("domain",),
    "speedups": ("domain",),
    "rasa_plugins": ("speedups", "privacy", "domain"),
    "web": ("privacy", "domain"),
    "tools": BOT_LAYERS,
    "actions": ("domain", "privacy"),
    "bench": BOT_LAYERS + ("bench",),
    "scripts": BOT_LAYERS,
}
# Third-party packages a layer must not import (the top-level name).
FORBIDDEN: Dict[str, Tuple[str, ...]] = {
    "domain": ("rasa", "rasa_sdk", "tensorflow", "keras", "sanic"),
    "privacy": ("rasa", "rasa_sdk", "tensorflow", "keras", "sanic"),
    "web": ("rasa", "rasa_sdk", "tensorflow", "keras"),
    "actions": ("rasa", "tensorflow", "keras"),
}
NO_TESTS_IMPORT = ("bot", "actions", "bench", "tools", "scripts")

RULE_DIRECTION = "imports point down the layers of docs/design.md, Layout"
RULE_UNKNOWN = "every bot module belongs to the layout"
RULE_FRAMEWORK = "framework-free layer"
RULE_TESTS = "nothing outside tests/ imports tests"
RULE_ROOT = "the project root is defined only in bot/paths.py (use bot.paths.ROOT)"
RULE_DOCSTRING = "every module in bot/ has a module docstring"


# ------------------------------------------------------------------------------------ the layout
def layer_of_module(module: str) -> Optional[str]:
    """The layer of a dotted module name of ours; "open" for bot.paths and the bare bot package;
    None for an unknown bot module or a name that is not ours."""
    parts = module.split(".")
    if parts[0] in ("actions", "bench"):
        return parts[0]
    if parts[0] != "bot":
        return None
    if len(parts) == 1 or parts[1] == "paths":
        return "open"
    if parts[1] in ("__main__", "rasa_main"):
        return "tools"
    return parts[1] if parts[1] in BOT_LAYERS else None


def module_of_file(rel: str) -> str:
    """bot/domain/places.py -> bot.domain.places; bot/web/__init__.py -> bot.web."""
    parts = list(Path(rel).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of_file(rel: str) -> Optional[str]:
    top = Path(rel).parts[0]
    if top in ("tools", "scripts"):
        return "scripts"
    return layer_of_module(module_of_file(rel))


def module_exists(module: str, root: Path = ROOT) -> bool:
    path = root.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or path.is_dir()


@lru_cache(maxsize=None)
def helper_module_names(root: Path = ROOT) -> FrozenSet[str]:
    """Module names under tests/ that pytest's pythonpath (or a sys.path hack) makes importable bare."""
    ours = {p.name for p in root.iterdir() if p.is_dir()}
    return frozenset({p.stem for p in (root / "tests").rglob("*.py") if p.stem != "__init__"} - ours)


# ------------------------------------------------------------------------------------ the checker
def imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[Tuple[int, str, str]]:
    """(line, imported module, source text) for each import, `from` import (per name, a name
    that is itself a module counts as that module) and importlib.import_module("literal")."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, f"import {alias.name}"
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join(package + ([base] if base else []))
            text = f"from {'.' * node.level}{node.module or ''} import {', '.join(a.name for a in node.names)}"
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield node.lineno, (sub if module_exists(sub) else base), text
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and (getattr(node.func, "attr", None) or getattr(node.func, "id", None)) == "import_module"
        ):
            yield node.lineno, node.args[0].value, f"import_module({node.args[0].value!r})"


def _climb(node: ast.AST) -> Optional[int]:
    """How many folders up from `__file__` a path expression goes (None: not derived from __file__)."""
    if isinstance(node, ast.Name):
        return 0 if node.id == "__file__" else None
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        up = _climb(node.value)
        return None if up is None else up + 1
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "parents"
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, int)
    ):
        up = _climb(node.value.value)
        return None if up is None else up + node.slice.value + 1
    if isinstance(node, ast.Call):
        name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
        if name in ("resolve", "absolute") and isinstance(node.func, ast.Attribute):
            return _climb(node.func.value)
        if name in ("Path", "PurePath", "abspath", "realpath") and node.args:
            return _climb(node.args[0])
        if name == "dirname" and node.args:
            up = _climb(node.args[0])
            return None if up is None else up + 1
    return None


def check_source(rel: str, source: str, root: Path = ROOT) -> List[str]:
    """Every rule broken by the file `rel` (a path relative to the project root) with text `source`."""
    problems: List[str] = []
    tree = ast.parse(source, filename=rel)
    module = module_of_file(rel)
    layer = layer_of_file(rel)
    top = Path(rel).parts[0]
    helpers = helper_module_names(root)

    if top == "bot" and layer is None:
        problems.append(f"{rel}:1: module {module} is in no layer of bot/ ({RULE_UNKNOWN})")
    if top == "bot" and not ast.get_docstring(tree):
        problems.append(f"{rel}:1: no module docstring ({RULE_DOCSTRING})")

    for line, target, text in imports(tree, module, rel.endswith("__init__.py")):
        where = f"{rel}:{line}: `{text}`"
        first = target.split(".")[0]
        if top in NO_TESTS_IMPORT and (first == "tests" or first in helpers):
            problems.append(f"{where}: {target} is test code ({RULE_TESTS})")
            continue
        if first in FORBIDDEN.get(layer or "", ()):
            problems.append(f"{where}: the {layer} layer must not import {first} ({RULE_FRAMEWORK})")
            continue
        if first not in ("bot", "actions", "bench"):
            continue
        if first == "bot" and not module_exists(target, root):
            problems.append(f"{where}: {target} does not exist ({RULE_UNKNOWN})")
            continue
        target_layer = layer_of_module(target)
        if target_layer is None:
            problems.append(f"{where}: {target} is in no layer ({RULE_UNKNOWN})")
        elif layer and target_layer != "open" and target_layer != layer and target_layer not in ALLOWED[layer]:
            allowed = ", ".join(ALLOWED[layer]) or "nothing of ours but bot.paths"
            problems.append(
                f"{where}: {layer} -> {target_layer} ({target}); {layer} may import {allowed} ({RULE_DIRECTION})"
            )

    if top == "bot" and rel != "bot/paths.py":
        lines = set()
        for node in ast.walk(tree):
            up = _climb(node)
            if up is not None and up > 1 and node.lineno not in lines:
                lines.add(node.lineno)
                problems.append(
                    f"{rel}:{node.lineno}: `{ast.unparse(node)}` climbs {up} folders up from __file__ ({RULE_ROOT})"
                )
    return problems


def project_files() -> List[str]:
    return sorted(
        str(p.relative_to(ROOT)) for top in SCANNED for p in (ROOT / top).rglob("*.py") if "__pycache__" not in p.parts
    )


@lru_cache(maxsize=None)
def all_problems() -> Tuple[str, ...]:
    """Every problem in the project's files (checked once per test run)."""
    found: List[str] = [
        f"{d.relative_to(ROOT)}/__init__.py:1: missing, so the package has no docstring ({RULE_DOCSTRING})"
        for d in sorted((ROOT / "bot").rglob("*"))
        if d.is_dir() and any(d.glob("*.py")) and not (d / "__init__.py").exists()
    ]
    for rel in project_files():
        found += check_source(rel, (ROOT / rel).read_text(encoding="utf-8"))
    return tuple(found)


def violations(rule: str) -> List[str]:
    return [p for p in all_problems() if p.endswith(f"({rule})")]


# ------------------------------------------------------------------------------------ the tests
@pytest.mark.parametrize("rule", [RULE_DIRECTION, RULE_UNKNOWN, RULE_FRAMEWORK, RULE_TESTS, RULE_ROOT, RULE_DOCSTRING])
def test_layout(rule):
    problems = violations(rule)
    if problems:
        pytest.fail(f"{len(problems)} violation(s) of «{rule}»:\n" + "\n".join(problems), pytrace=False)


def test_files_are_found():
    files = project_files()
    assert "bot/paths.py" in files and "bot/domain/places.py" in files and "actions/referral.py" in files


def test_checker_catches_a_bad_domain_module():
    bad = (
        "import json\n\ndef f():\n    import rasa.core\n    from bot.tools import cli\n"
        "    from tests.conftest import ROOT\n"
    )
    problems = check_source("bot/domain/bad.py", bad)
    assert any("bot/domain/bad.py:1: no module docstring" in p for p in problems), problems
    assert any("bot/domain/bad.py:4: `import rasa.core`" in p and RULE_FRAMEWORK in p for p in problems), problems
    assert any(
        "bot/domain/bad.py:5: `from bot.tools import cli`" in p and "domain -> tools" in p and RULE_DIRECTION in p
        for p in problems
    ), problems
    assert any(":6:" in p and RULE_TESTS in p for p in problems), problems


def test_checker_catches_the_other_rules():
    assert any(RULE_FRAMEWORK in p for p in check_source("actions/x.py", "from rasa.shared.core.events import Event\n"))
    assert not check_source("actions/x.py", "from rasa_sdk import Action\nfrom bot.domain import places\n")
    relative = '"""D."""\nfrom ..rasa_plugins import channel\n'
    assert any("web -> rasa_plugins" in p for p in check_source("bot/web/x.py", relative))
    assert any("bot.nlu does not exist" in p for p in check_source("bot/tools/x.py", '"""D."""\nimport bot.nlu\n'))
    assert any(RULE_TESTS in p for p in check_source("tools/x.py", "from fake_rasa import FakeRasa\n"))
    assert any("in no layer" in p for p in check_source("bot/helpers.py", '"""D."""\n'))
    climbing = '"""D."""\nfrom pathlib import Path\nROOT = Path(__file__).resolve().parents[2]\n'
    assert any("bot/web/x.py:3:" in p and RULE_ROOT in p for p in check_source("bot/web/x.py", climbing))
    beside = '"""D."""\nfrom pathlib import Path\nSTATIC = Path(__file__).parent / "static"\n'
    assert not check_source("bot/web/x.py", beside)
    assert not check_source("bot/domain/x.py", '"""D."""\nfrom bot.paths import ROOT\nfrom bot.domain import text\n')
