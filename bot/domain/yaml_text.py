"""Reading the content files that staff edit: YAML with dates kept as text, and one error type.

A date such as 2026-12-01 stays the string "2026-12-01" (PyYAML would make it a date object), so
the JSON schemas can check it and a bad date gets a clear message in Swedish. Used by the support
registry (`bot.domain.resources`), the campaigns (`bot.domain.campaigns`) and `make check` (`bot.tools.content`).
"""

from pathlib import Path
from typing import Any, List, Sequence

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


_TYPES = {
    "array": "en lista [..] (a list)",
    "object": "ett avsnitt med fält (a mapping)",
    "boolean": "true eller false",
    "integer": "ett heltal (an integer)",
}


def entry_label(data: Any, path: Sequence[Any], list_key: str, noun: str) -> str:
    """ "post 3 (id: kast_umea)" for a path inside data[list_key][2]; "filen" (the file) otherwise."""
    if len(path) >= 2 and path[0] == list_key and isinstance(path[1], int):
        entry = data[list_key][path[1]]
        eid = entry.get("id") if isinstance(entry, dict) else None
        return f"{noun} {path[1] + 1}" + (f" (id: {eid})" if eid else "")
    return "filen (file)"


def explain(err: Any, data: Any, list_key: str, noun: str) -> str:
    """A JSON-schema error (jsonschema's ValidationError) in Swedish for content staff, with the
    entry and field it concerns ("post 3 (id: kast_umea), fält 'phone': …")."""
    path = list(err.absolute_path)
    field = ".".join(str(p) for p in path[2:]) if path[:1] == [list_key] else ".".join(map(str, path))
    v, hint = err.validator, err.schema.get("description", "") if isinstance(err.schema, dict) else ""
    if v == "required":
        missing = [f for f in err.validator_value if f not in err.instance]
        what = f"saknar fältet {', '.join(repr(m) for m in missing)} (missing required field)"
    elif v == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})))
        what = f"okänt fält {', '.join(repr(x) for x in extra)} – felstavat? (unknown field – a typo?)"
    elif v in ("enum", "const"):
        allowed = err.validator_value if v == "enum" else [err.validator_value]
        what = f"ogiltigt värde {err.instance!r}; tillåtet: {', '.join(map(str, allowed))} (invalid value)"
    elif v == "type" and err.validator_value == "string":
        what = 'ska vara text – sätt citattecken runt värdet, t.ex. "112" (must be text: quote it)'
    elif v == "type":
        what = f"ska vara {_TYPES.get(err.validator_value, err.validator_value)}, inte {err.instance!r} (wrong type)"
    elif v in ("minItems", "minLength", "minProperties"):
        what = "får inte vara tomt (must not be empty)"
    elif v in ("maxLength", "maxItems"):
        what = f"är för långt/för många{': ' + hint if hint else ''} (too long)"
    elif v == "uniqueItems":
        what = "innehåller dubbletter (duplicates)"
    elif v in ("pattern", "not"):
        what = f"fel format {err.instance!r}" + (f": {hint}" if hint else " (wrong format)")
    else:
        what = err.message
    where = entry_label(data, path, list_key, noun)
    return f"{where}, fält '{field or '-'}': {what}" if field else f"{where}: {what}"
