"""The campaign page of the report masks small numbers (below 5: "< 5", not drawn, no share), the
CSV likewise; `make check` checks content/campaigns.yml; the simulation script says it simulates."""

from __future__ import annotations

import re
import subprocess
import sys

from web_helpers import ROOT

from bot.domain import campaigns
from bot.tools.content import checks, report

ROWS = [
    ("sok", "2026-W48", "opened", 120),
    ("sok", "2026-W48", "wrote", 40),
    ("sok", "2026-W48", "asked", 4),
    ("sok", "2026-W48", "referral", 3),
    ("sok", "2026-W48", "contact", 1),
    ("sok", "2026-W48", "safety", 2),
    ("sok", "2026-W49", "opened", 3),
    ("sok", "2026-W49", "wrote", 1),
    ("sok", "2026-W48", "topic:faq/law", 4),
    ("ingen", "2026-W49", "opened", 7),
    ("ingen", "2026-W49", "wrote", 5),
]
BOOK = campaigns.CampaignBook({})


def cells(html: str):
    return re.findall(r"<td class='num'>([^<]*)</td>", html)


def test_cells_under_five_are_masked(tmp_path):
    page = report.build_campaign_page(tmp_path, ROWS, BOOK, source="test", topic_labels={})
    html = page.read_text(encoding="utf-8")
    shown = cells(html)
    for small in ("1", "2", "3", "4"):
        assert small not in shown, f"{small} shown"
    assert "&lt; 5" in shown and "120" in shown and "40" in shown and "123" in shown  # 120 + 3 over the period
    assert "33\u00a0%" in shown  # 40 of 120 wrote; no share where a part is masked
    assert (tmp_path / "kampanj-1.png").exists() and (tmp_path / "kampanj-2.png").exists()
    csv = (tmp_path / "kampanjer.csv").read_text(encoding="utf-8").splitlines()
    assert csv[0] == "kampanj;namn;vecka;opened;wrote;asked;referral;contact;safety;exit"
    assert "sok;sok;2026-W48;120;40;< 5;< 5;< 5;< 5;< 5" in csv
    assert not re.search(r";[1-4](;|$)", "\n".join(csv[1:]))


def test_page_without_counters_says_so(tmp_path):
    html = report.build_campaign_page(tmp_path, [], BOOK, topic_labels={}).read_text(encoding="utf-8")
    assert "Inga räknare ännu" in html


def test_make_check_checks_the_campaign_file(tmp_path):
    project = checks.load(ROOT)
    assert [i for i in checks.check_campaigns(project) if i.is_error] == []  # the real file is fine
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "campaigns.yml").write_text(
        "campaigns:\n"
        "  - id: Sok Annons\n    name: x\n    starts: 2026-12-01\n    ends: 2026-11-01\n    opener: hej\n"
        "  - id: ok-id\n    name: y\n    starts: 2026-12-01\n    ends: 2026-12-31\n    opener: hej\n"
        "    buttons: [{title: Sluta, payload: /finns_inte}]\n",
        encoding="utf-8",
    )
    project.root = tmp_path
    issues = list(checks.check_campaigns(project))
    assert [i.code for i in issues] == ["campaign"] and "fält 'id'" in issues[0].what and issues[0].line == 2
    (tmp_path / "content" / "campaigns.yml").write_text(
        "campaigns:\n  - id: ok-id\n    name: y\n    starts: 2026-12-01\n    ends: 2026-12-31\n    opener: hej\n"
        "    buttons: [{title: Sluta, payload: /finns_inte}]\n",
        encoding="utf-8",
    )
    issues = list(checks.check_campaigns(project))
    assert [i.code for i in issues] == ["button"] and "/finns_inte" in issues[0].what


def test_simulation_says_it_is_simulated(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "simulate_campaign_week.py"),
            "--week",
            "2026-W49",
            "--out",
            str(tmp_path),
            "--no-screenshot",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "kampanjer.html").read_text(encoding="utf-8")
    assert "Simulerade siffror" in html and "&lt; 5" in html
