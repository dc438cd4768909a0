"""SIMULATED data: one made-up week of campaign traffic, the campaign page built from it, and its
screenshot docs/campaign-report.png. No real conversation is behind any number this script makes.

    .venv/bin/python tools/simulate_campaign_week.py                  # this ISO week, seed 20
    .venv/bin/python tools/simulate_campaign_week.py --week 2026-W49 --no-screenshot

Visitors of each campaign in content/campaigns.yml running that week (and some without a campaign)
are simulated step by step: the widget's events (opened, contact, exit) and, for each message, the
counters the real tracker store reports (`bot.domain.campaign_counts.turn_metrics` on the same kind of
events), added up by the same `Tally` and `CountStore` the web front uses – into a SQLite file of
its own (results/campaign-sim/counts.db), never the real counters. The page says it is simulated.
One campaign gets few visitors on purpose, so that the page shows masked cells ("< 5").
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path
from typing import List

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain import campaign_counts as cc  # noqa: E402
from bot.domain import campaigns  # noqa: E402
from bot.tools.content import report  # noqa: E402

# Visitors who open the chat in the simulated week, per campaign (the rest: 60).
VISITORS = {
    "sokannons-kopa-sex": 420,
    "annonssajt-banner": 170,
    "myndighetens-sida": 90,
    "affisch-qr": 14,
    campaigns.NO_CAMPAIGN: 150,
}
# What the first message is about (quick replies are the usual start after a campaign opener).
FIRST = [
    ("want_to_stop_buying", 30),
    ("faq/law", 22),
    ("find_kast", 12),
    ("faq/law_penalty", 6),
    ("greet", 10),
    ("seeking_to_buy", 6),
    ("faq/kast_anonymous", 4),
    ("out_of_scope", 6),
    ("faq/what_is_trafficking", 3),
    ("crisis", 1),
]
LATER = [
    ("faq/kast_how", 5),
    ("faq/kast_anonymous", 5),
    ("faq/law_abroad", 3),
    ("thank", 6),
    ("goodbye", 4),
    ("not_ready_to_stop", 2),
    ("faq/caught", 3),
    ("out_of_scope", 3),
]
# Chance to write at all, by campaign (people arriving from a search ad have a question).
WRITES = {"sokannons-kopa-sex": 0.46, "annonssajt-banner": 0.33, "myndighetens-sida": 0.55, "affisch-qr": 0.5}


def pick(rng: random.Random, weighted) -> str:
    names, weights = zip(*weighted)
    return rng.choices(names, weights)[0]


def conversation(rng: random.Random, campaign: str, tally: cc.Tally, week: str) -> None:
    """One simulated visitor: widget events and, per message, the tracker store's counters."""
    tally.add(campaign, [cc.OPENED], week)
    if rng.random() >= WRITES.get(campaign, 0.4):
        if rng.random() < 0.03:
            tally.add(campaign, [cc.EXIT], week)
        return
    steps: List[cc.Step] = []
    referred = False

    def turn(intent: str, *events: cc.Step) -> None:
        nonlocal steps
        new = [cc.Step(True, "user", intent), *events]
        tally.add(campaign, cc.turn_metrics(steps + new), week)
        steps = [s._replace(new=False) for s in steps + new]

    intent = pick(rng, FIRST)
    for _ in range(rng.choice([1, 1, 2, 3, 4])):
        if intent in ("want_to_stop_buying", "find_kast"):
            turn(intent, cc.Step(True, "action", "action_referral"), cc.Step(True, "slot", "awaiting_location", True))
            if rng.random() < 0.7:  # names a place (or says "nej" and gets the national options)
                turn(
                    "inform_location",
                    cc.Step(True, "action", "action_referral"),
                    cc.Step(True, "slot", "awaiting_location", False),
                )
                referred = True
        elif intent == "crisis":
            turn(intent, cc.Step(True, "action", "utter_crisis"))
        else:
            turn(intent)
        intent = pick(rng, LATER + [("want_to_stop_buying", 4), ("find_kast", 2)])
    if rng.random() < (0.42 if referred else 0.05):
        tally.add(campaign, [cc.CONTACT], week)
    if rng.random() < 0.04:
        tally.add(campaign, [cc.EXIT], week)


def simulate(week: str, db: Path, seed: int) -> List[tuple]:
    db.unlink(missing_ok=True)
    monday = dt.date.fromisocalendar(int(week[:4]), int(week[-2:]), 1)
    running = {
        c.id
        for c in campaigns.load().campaigns.values()
        if any(c.runs_on(monday + dt.timedelta(days=d)) for d in range(7))
    }
    rng = random.Random(seed)
    tally = cc.Tally(cc.CountStore(f"sqlite:///{db}"))
    for campaign in sorted(running | {campaigns.NO_CAMPAIGN}):
        for _ in range(VISITORS.get(campaign, 60)):
            conversation(rng, campaign, tally, week)
    tally.flush()
    return cc.read_counts(f"sqlite:///{db}")


def screenshot(page: Path, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            tab = browser.new_page(viewport={"width": 1180, "height": 900}, device_scale_factor=1)
            tab.goto(page.resolve().as_uri())
            height = min(tab.evaluate("document.documentElement.scrollHeight"), 1560)  # overview + first campaign
            tab.screenshot(path=str(out), full_page=True, clip={"x": 0, "y": 0, "width": 1180, "height": height})
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--week", default=cc.iso_week(), help="ISO week to simulate, e.g. 2026-W49")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--out", default=str(ROOT / "results" / "campaign-sim"), help="folder for the page")
    parser.add_argument("--screenshot", default=str(ROOT / "docs" / "campaign-report.png"))
    parser.add_argument("--no-screenshot", action="store_true")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = simulate(args.week, out / "counts.db", args.seed)
    page = report.build_campaign_page(
        out, rows, source=f"SIMULERAD vecka {args.week} (tools/simulate_campaign_week.py)", simulated=True
    )
    print(f"Simulated week {args.week}: {sum(n for *_, n in rows)} counter increments; page {page}")
    if not args.no_screenshot:
        screenshot(page, Path(args.screenshot))
        print(f"Screenshot: {args.screenshot}")


if __name__ == "__main__":
    main()
