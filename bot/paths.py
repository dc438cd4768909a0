"""Where the project lives: the one definition of the project root (the folder holding
`config.yml`, `domain.yml`, `content/` and `data/`)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
