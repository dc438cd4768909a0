"""Campaign entry points (`content/campaigns.yml`): the opener the chat shows for a campaign id.

    book = load()                                  # read and validate the file (CampaignError if bad)
    book.resolve("sokannons-kopa-sex", today)      -> "sokannons-kopa-sex" while it runs, else "ingen"
    book.openers(today)                            -> {id: {"text", "buttons"}} of running campaigns

A campaign runs from `starts` to `ends`, both days included. An unknown or expired id is not an
error for the person who clicked: the chat shows its default opener and counts under `NO_CAMPAIGN`.
Validation reports every problem in Swedish (with English in brackets), naming the campaign and the
field: the JSON schema `content/schema/campaigns.schema.json`, then what a schema cannot check
(unique ids, real dates, `ends` not before `starts`). Plain Python: used by the web front, the
content checks and the report.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml
from jsonschema import Draft7Validator

from bot.domain.yaml_text import ContentFileError, TextDatesLoader, entry_label, explain
from bot.paths import ROOT

CAMPAIGNS_FILE = ROOT / "content" / "campaigns.yml"
SCHEMA_FILE = ROOT / "content" / "schema" / "campaigns.schema.json"

# The label of everything that did not come through a running campaign (the default opener).
NO_CAMPAIGN = "ingen"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


class CampaignError(ContentFileError):
    """The campaign file is invalid; `.errors` lists every problem found."""


@dataclass(frozen=True)
class Campaign:
    """One entry point, as written in campaigns.yml."""

    id: str
    name: str
    starts: dt.date
    ends: dt.date
    opener: str
    buttons: Tuple[Tuple[str, str], ...] = ()  # (title, payload)

    def runs_on(self, day: dt.date) -> bool:
        return self.starts <= day <= self.ends

    def as_opener(self) -> Dict[str, Any]:
        """What the widget shows: the text and the quick replies (payload defaults to the title)."""
        return {"text": self.opener, "buttons": [{"title": t, "payload": p} for t, p in self.buttons]}


@dataclass(frozen=True)
class CampaignBook:
    """All campaigns of the file, by id."""

    campaigns: Dict[str, Campaign]

    def get(self, campaign_id: Any) -> Optional[Campaign]:
        return self.campaigns.get(campaign_id) if isinstance(campaign_id, str) else None

    def running(self, day: dt.date) -> List[Campaign]:
        return [c for c in self.campaigns.values() if c.runs_on(day)]

    def resolve(self, campaign_id: Any, day: dt.date) -> str:
        """The campaign label to count under: the id while the campaign runs, else NO_CAMPAIGN."""
        campaign = self.get(campaign_id)
        return campaign.id if campaign is not None and campaign.runs_on(day) else NO_CAMPAIGN

    def openers(self, day: dt.date) -> Dict[str, Dict[str, Any]]:
        """{id: opener} of the campaigns running on `day` (what the widget may show)."""
        return {c.id: c.as_opener() for c in self.running(day)}

    def names(self) -> Dict[str, str]:
        """{id: name}, with the label of the default entry."""
        return {
            NO_CAMPAIGN: "Utan kampanj (chattsidan, standardhälsningen)",
            **{c.id: c.name for c in self.campaigns.values()},
        }


EMPTY = CampaignBook({})


# ---------------------------------------------------------------- reading and validating
def read_yaml(text: str) -> Any:
    """Parse the file's text, keeping dates as text (raises yaml.YAMLError)."""
    return yaml.load(text, Loader=TextDatesLoader)


def validate(data: Any) -> List[str]:
    """Every problem in the parsed file, as messages naming campaign and field; [] if valid."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    errors = sorted(explain(err, data, "campaigns", "kampanj") for err in Draft7Validator(schema).iter_errors(data))
    if errors:
        return errors
    seen = set()
    for n, entry in enumerate(data["campaigns"]):
        where = entry_label(data, ["campaigns", n], "campaigns", "kampanj")
        if entry["id"] in seen:
            errors.append(f"{where}, fält 'id': '{entry['id']}' finns redan (duplicate id)")
        seen.add(entry["id"])
        dates = {}
        for key in ("starts", "ends"):
            try:
                dates[key] = dt.date.fromisoformat(entry[key])
            except ValueError:
                errors.append(f"{where}, fält '{key}': '{entry[key]}' är inget giltigt datum (not a valid date)")
        if len(dates) == 2 and dates["ends"] < dates["starts"]:
            errors.append(f"{where}, fält 'ends': slutar före starts (ends before it starts)")
    return errors


def parse(text: str, path: Path = CAMPAIGNS_FILE) -> CampaignBook:
    """Validate YAML text and build the book; raises CampaignError listing every problem."""
    try:
        data = read_yaml(text)
    except yaml.YAMLError as err:
        raise CampaignError(path, [f"YAML-fel (YAML syntax error): {err}"]) from err
    errors = validate(data)
    if errors:
        raise CampaignError(path, errors)
    book = {}
    for e in data["campaigns"]:
        buttons = tuple((b["title"], b.get("payload") or b["title"]) for b in e.get("buttons") or [])
        book[e["id"]] = Campaign(
            e["id"],
            e["name"].strip(),
            dt.date.fromisoformat(e["starts"]),
            dt.date.fromisoformat(e["ends"]),
            " ".join(e["opener"].split()),
            buttons,
        )
    return CampaignBook(book)


def load(path: Path = CAMPAIGNS_FILE) -> CampaignBook:
    """The campaigns of `path`; a missing file means no campaigns."""
    if not Path(path).exists():
        return EMPTY
    return parse(Path(path).read_text(encoding="utf-8"), Path(path))
