"""Made-up conversations in Rasa's SQL tracker store (SQLite), for the report's tests and screenshot.

    python -m tests.content.demo_store /tmp/demo   → /tmp/demo/rasa.db and /tmp/demo/endpoints.yml

The events have the shape Rasa writes (user events with parse_data, actions, bot events); the bot
texts of the referral actions come from `bot.domain.referral`, as the action server would send them. The
messages are invented examples, spread over six weeks; nothing here comes from real users.
"""

import asyncio
import random
import sys
import time
from pathlib import Path
from typing import List, Optional, Tuple

from bot.domain import places, referral

WEEK = 7 * 24 * 3600

# (message, intent, confidence) – invented.
QUESTIONS: List[Tuple[str, str]] = [
    ("vad är kast", "faq/kast_what"),
    ("är det olagligt att köpa sex", "faq/law"),
    ("vad blir straffet om man köper sex", "faq/law_penalty"),
    ("kan jag vara anonym hos kast", "faq/kast_anonymous"),
    ("gäller lagen utomlands", "faq/law_abroad"),
    ("hur går det till på kast", "faq/kast_how"),
    ("varför fokuserar ni på köparna", "faq/why_demand"),
    ("vad är människohandel", "faq/what_is_trafficking"),
    ("hej", "greet"),
    ("tack", "thank"),
    ("är du en robot", "bot_challenge"),
]
REFERRALS: List[Tuple[str, str, Optional[str]]] = [
    ("jag vill sluta köpa sex, jag bor i Umeå", "want_to_stop_buying", "Umeå"),
    ("finns kast i göteborg", "find_kast", "Göteborg"),
    ("jag vill ha hjälp att sluta", "want_to_stop_buying", None),
    ("var finns kast i Solna", "find_kast", "Solna"),
    ("jag bor i Malmö och vill sluta köpa sex", "want_to_stop_buying", "Malmö"),
]
SUPPORT: List[Tuple[str, str, str]] = [
    ("jag säljer sex och vill ha stöd", "victim_help", "sells_sex"),
    ("min kompis tvingas sälja sex", "worried_about_other", "relative_of_seller"),
    ("min man köper sex, vad gör jag", "worried_about_other", "relative_of_buyer"),
]
NOT_UNDERSTOOD: List[Tuple[str, Optional[str]]] = [
    ("kan ni ringa mig på 070-123 45 67", None),
    ("vad kostar en biljett till konferensen", None),
    ("hur funkar det med sugardaddy", "faq/law"),
    ("är det lagligt med sugar dating", "faq/law"),
    ("mejla mig på anna.svensson@example.com", None),
    ("vad tycker du om porr", None),
    ("är onlyfans sexköp", "faq/law_online"),
    ("jag bor på Storgatan 12 vad gör jag", "want_to_stop_buying"),
]


def _user(text: str, intent: str, ts: float, confidence: float = 0.9) -> dict:
    name = intent.split("/")[0]
    parse = {
        "text": text,
        "intent": {"name": name, "confidence": confidence},
        "entities": [],
        "intent_ranking": [{"name": name, "confidence": confidence}],
    }
    if "/" in intent:
        parse["response_selector"] = {"faq": {"response": {"intent_response_key": intent}, "ranking": []}}
    return {"event": "user", "timestamp": ts, "text": text, "parse_data": parse}


def _action(name: str, ts: float) -> dict:
    return {"event": "action", "timestamp": ts, "name": name}


def _bot(text: str, ts: float) -> dict:
    return {"event": "bot", "timestamp": ts, "text": text}


def conversation(rng: random.Random, start: float) -> List[dict]:
    """One invented conversation as Rasa event dicts."""
    t = start
    events = [
        _action("action_session_start", t),
        {"event": "session_started", "timestamp": t},
        _action("action_listen", t),
    ]
    for _ in range(rng.randint(1, 3)):
        t += rng.randint(20, 120)
        kind = rng.random()
        if kind < 0.45:
            text, intent = rng.choice(QUESTIONS)
            action = "utter_faq" if "/" in intent else f"utter_{intent}"
            events += [_user(text, intent, t), _action(action, t + 1), _bot("…", t + 1)]
        elif kind < 0.7:
            text, intent, town = rng.choice(REFERRALS)
            place = places.find_place(town) if town else None
            replies = referral.for_place(place) if place else referral.ask_location()
            events += [_user(text, intent, t), _action("action_referral", t + 1)]
            events += [_bot(r.text, t + 1) for r in replies]
        elif kind < 0.85:
            text, intent, situation = rng.choice(SUPPORT)
            events += [_user(text, intent, t), _action("action_support", t + 1)]
            events += [_bot(r.text, t + 1) for r in referral.support(situation)]
        else:
            text, chosen = rng.choice(NOT_UNDERSTOOD)
            events += [
                _user(text, "nlu_fallback", t, 0.3),
                _action("action_two_stage_fallback", t + 1),
                _bot("Menade du …?", t + 1),
            ]
            if chosen:
                t += 30
                events += [_user(f"/{chosen}", chosen, t, 1.0), _action("utter_faq", t + 1), _bot("…", t + 1)]
        events.append(_action("action_listen", t + 2))
    return events


def write(directory: Path, count: int = 240, weeks: int = 6, seed: int = 7) -> Path:
    """Write `count` invented conversations to directory/rasa.db; returns directory/endpoints.yml."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    directory.mkdir(parents=True, exist_ok=True)
    db = directory / "rasa.db"
    if db.exists():
        db.unlink()
    rng = random.Random(seed)
    now = time.time()
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))

    async def save_all() -> None:
        for n in range(count):
            week = rng.choices(range(weeks), weights=[1 + w for w in range(weeks)])[0]
            start = now - (weeks - week) * WEEK + rng.randint(0, WEEK - 3600)
            tracker = DialogueStateTracker.from_dict(f"demo-{n:04d}", conversation(rng, start))
            await store.save(tracker)

    asyncio.run(save_all())
    endpoints = directory / "endpoints.yml"
    endpoints.write_text(f'tracker_store:\n  type: sql\n  dialect: sqlite\n  db: "{db}"\n', encoding="utf-8")
    return endpoints


if __name__ == "__main__":
    print(write(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/demo-store")))
