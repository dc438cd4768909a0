"""A throw-away copy of the project's content for the content-check tests (no training)."""

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
COPY = (
    "domain.yml",
    "config.yml",
    "endpoints.yml",
    "credentials.yml",
    "data",
    "content",
    "tests/nlu_holdout.yml",
    "tests/stories",
)


def copy_content(root: Path) -> Path:
    """`root`: the content files of the real project, to be broken by a test."""
    for rel in COPY:
        src, dst = ROOT / rel, root / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        elif src.exists():
            shutil.copy(src, dst)
    return root


@pytest.fixture
def project(tmp_path) -> Path:
    """tmp_path/main: the content files of the real project, to be broken by a test."""
    return copy_content(tmp_path / "main")
