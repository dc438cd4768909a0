"""The repository stands alone: a copy with no delivery folder `../shared` beside it checks and tests.

The copy holds the files git would commit (tracked, and new files not ignored). `make check` runs
there without reading outside the copy; with a fake `../shared` whose contract differs, it warns –
and only then. No model, no training.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

PY = sys.executable
# Anything that reads the delivery folder; only bot/domain/contract.py may name it (for the comparison),
# and the tests that build a fake one beside a copy.
ALLOWED = {"bot/domain/contract.py", "tests/test_standalone.py", "tests/content/test_check.py"}
DELIVERY_PATH = re.compile(r"\.\./shared|/work/shared|SHARED_DIR|parent\s*/\s*[\"']shared[\"']")
CODE = re.compile(r"(\.py|\.sh|Makefile)$")
WARNING = "Den levererade filen"


def _repo_files() -> list:
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [f for f in out.stdout.splitlines() if (ROOT / f).is_file()]


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """tmp/main: the repository's files, with nothing beside it."""
    root = tmp_path_factory.mktemp("alone") / "main"
    for rel in _repo_files():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, root / rel)
    return root


def _check(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "bot", "check", *args], cwd=root, capture_output=True, text=True, timeout=600)


def test_no_code_reads_the_delivery_folder():
    readers = []
    for rel in _repo_files():
        if CODE.search(rel) and rel not in ALLOWED:
            text = (ROOT / rel).read_text(encoding="utf-8", errors="replace")
            readers += [f"{rel}: {m.group(0)}" for m in DELIVERY_PATH.finditer(text)]
    assert not readers, readers


def test_project_copies_of_the_delivered_files_exist():
    from bot.domain import contract

    for copy in contract.DELIVERED:
        assert (ROOT / copy).is_file(), copy
    assert contract.contract(ROOT)["intents"] and "112" in contract.facts(ROOT)


def test_check_runs_without_the_delivery_folder(clone):
    """Our own checks, the only code that knows the delivery folder. Rasa's validation reads only
    config.yml, domain.yml and data/ under the root it is given; tests/content/test_check.py runs it
    on copies with nothing beside them (about 10 s a run, so not again here)."""
    assert not (clone.parent / "shared").exists()
    out = _check(clone, "--utan-rasa")
    assert out.returncode in (0, 1), out.stderr[-3000:]  # 1 = content errors, still a working check
    assert "Traceback" not in out.stderr and "FileNotFoundError" not in out.stdout + out.stderr
    assert "Resultat:" in out.stdout
    assert WARNING not in out.stdout


def test_check_warns_only_when_the_delivered_contract_differs(clone):
    shared = clone.parent / "shared"
    try:
        for copy, name in (
            ("content/contract/intents.yml", "contract/intents.yml"),
            ("content/facts/FACTS.md", "facts/FACTS.md"),
        ):
            (shared / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(clone / copy, shared / name)
        same = _check(clone, "--utan-rasa", "--alla")
        assert WARNING not in same.stdout, same.stdout[-3000:]

        with (shared / "contract/intents.yml").open("a", encoding="utf-8") as f:
            f.write("  - name: brand_new_intent\n    examples: [\"något nytt\"]\n")
        changed = _check(clone, "--utan-rasa", "--alla")
        assert WARNING in changed.stdout and "brand_new_intent" in changed.stdout
        assert "content/contract/intents.yml" in changed.stdout
        # A warning, never an error: the exit code is the same as without the delivery folder.
        assert changed.returncode == same.returncode
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def test_contract_tests_run_in_the_copy(clone):
    out = subprocess.run(
        [PY, "-m", "pytest", "tests/test_contract.py", "-q", "-p", "no:cacheprovider"],
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert "FileNotFoundError" not in out.stdout + out.stderr
    assert " passed" in out.stdout and "error" not in out.stdout.splitlines()[-1], out.stdout[-3000:]
