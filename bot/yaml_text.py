"""Reading the content files that staff edit: YAML with dates kept as text, and one error type.

A date such as 2026-12-01 stays the string "2026-12-01" (PyYAML would make it a date object), so
the JSON schemas can check it and a bad date gets a clear message in Swedish. Used by the support
registry (`bot.resources`), the campaigns (`bot.campaigns`) and `make check` (`bot.content`).
"""
from pathlib import Path
from typing import List

import yaml


class TextDatesLoader(yaml.SafeLoader):
    """SafeLoader that keeps 2026-11-27 as text."""


TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class ContentFileError(ValueError):
    """A content file is invalid; `.errors` lists every problem found."""

    def __init__(self, path: Path, errors: List[str]):
        self.errors = errors
        super().__init__(f"{path.name}: {len(errors)} fel (errors):\n- " + "\n- ".join(errors))
