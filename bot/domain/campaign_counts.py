"""Counting without tracking: aggregate counters per campaign and ISO week, nothing else.

A counter is (campaign label, ISO week "2026-W49", metric) -> number. No conversation id, no
address, no time finer than the week and no message text is ever part of a counter. The metrics:

| metric | counted when | by |
|---|---|---|
| `opened` | the chat is opened (once per conversation) | the widget |
| `wrote` | the first message of a conversation is sent | Rasa's turn (see below) |
| `asked` | first question in a conversation about stopping, KAST or the law (`is_stop_or_law`) | Rasa's turn |
| `topic:<intent>` | each question, by topic (`topic:faq/law`) | Rasa's turn |
| `referral` | first KAST referral in a conversation (action_referral named a place or the national options) | Rasa's turn |
| `safety` | a safety answer is given (utter_crisis, utter_immediate_danger, utter_child_at_risk) | Rasa's turn |
| `contact` | a phone number or support service link in an answer is clicked (once per conversation) | the widget |
| `exit` | the quick exit is used | the widget |

The funnel is opened → wrote → asked → referral → contact (`FUNNEL`).

Rasa's turn: the tracker store (`bot.rasa_plugins.tracker_store`) sees the events of each message and calls
`turn_metrics`; the REST channel passes the result to the web front in a response header
(`COUNTS_HEADER`); the web front, which alone knows the campaign label, adds them to its `Tally`.
The tally is an in-memory increment on the message path; `flush` adds it to the database in one
upsert per counter (off the event loop, every few seconds and at shutdown), so replicas and
restarts simply add up: PostgreSQL in the scaled mode, SQLite in the embedded mode.

Reading: `read_counts(url)` and `Table` for the report, with `mask` for small numbers (below
`MIN_SHOWN` is shown as "< 5").
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple
from urllib.parse import quote, urlsplit

from bot.paths import ROOT

logger = logging.getLogger(__name__)


DEFAULT_SQLITE = ROOT / "var" / "campaign_counts.db"
TABLE = "campaign_counts"

OPENED, WROTE, ASKED, REFERRAL, CONTACT, SAFETY, EXIT = (
    "opened",
    "wrote",
    "asked",
    "referral",
    "contact",
    "safety",
    "exit",
)
TOPIC = "topic:"
FUNNEL = (OPENED, WROTE, ASKED, REFERRAL, CONTACT)
# Reported by the widget (POST /api/count) and by Rasa's turn (response header), respectively.
WIDGET_METRICS = frozenset({OPENED, CONTACT, EXIT})
TURN_METRICS = frozenset({WROTE, ASKED, REFERRAL, SAFETY})
COUNTS_HEADER = "X-Chat-Counts"
MAX_PER_TURN = 8

# Topics that count as "asked about stopping or the law" (the funnel's third step): stopping and
# KAST, and every law question (faq/law, faq/law_…, and what happens when one is caught).
STOP_OR_LAW = frozenset(
    {
        "want_to_stop_buying",
        "find_kast",
        "faq/kast_what",
        "faq/kast_how",
        "faq/kast_anonymous",
        "faq/caught",
        "faq/caught_records",
    }
)
LAW_PREFIX = "faq/law"


def is_stop_or_law(intent: str) -> bool:
    return intent in STOP_OR_LAW or intent.startswith(LAW_PREFIX)


SAFETY_ACTIONS = frozenset({"utter_crisis", "utter_immediate_danger", "utter_child_at_risk"})
REFERRAL_ACTION = "action_referral"
# Intents of commands, not questions (the widget's "Börja om" sends /restart).
COMMAND_INTENTS = frozenset({"restart", "session_start", "back"})
MIN_SHOWN = 5

_TOPIC_NAME = re.compile(r"^[a-z_]{1,40}(/[a-z_]{1,40})?$")


def iso_week(day: Optional[dt.date] = None) -> str:
    """ "2026-W49": the finest time a counter knows."""
    year, week, _ = (day or dt.date.today()).isocalendar()
    return f"{year}-W{week:02d}"


def is_metric(name: str) -> bool:
    """A metric the counters accept (anything else is dropped)."""
    if name in WIDGET_METRICS or name in TURN_METRICS:
        return True
    return name.startswith(TOPIC) and bool(_TOPIC_NAME.match(name[len(TOPIC) :]))


# ---------------------------------------------------------------- what one message achieved
class Step(NamedTuple):
    """One event of a conversation, reduced to what counting needs (built by the tracker store)."""

    new: bool  # added during this message (else read back from the store)
    kind: str  # "user" (name = intent), "action" (name = action), "slot" (name, value)
    name: str
    value: object = None


def _referrals(steps: Sequence[Step]) -> List[bool]:
    """For each action_referral run: did it refer (set awaiting_location to False)? In order; the
    flag tells whether the run was new."""
    found, current = [], None
    for step in steps:
        if step.kind == "action":
            current = step if step.name == REFERRAL_ACTION else None
        elif current is not None and step.kind == "slot" and step.name == "awaiting_location" and step.value is False:
            found.append(current.new)
            current = None
    return found


def turn_metrics(steps: Sequence[Step]) -> List[str]:
    """The metrics one message adds, from the conversation's events (earlier ones and this turn's)."""
    users = [s for s in steps if s.kind == "user" and s.name not in COMMAND_INTENTS]
    new_users = [s for s in users if s.new]
    metrics: List[str] = []
    if new_users and len(new_users) == len(users):
        metrics.append(WROTE)
    if any(is_stop_or_law(s.name) for s in new_users) and not any(is_stop_or_law(s.name) for s in users if not s.new):
        metrics.append(ASKED)
    referrals = _referrals(steps)
    if any(referrals) and not any(not new for new in referrals):
        metrics.append(REFERRAL)
    if any(s.new and s.kind == "action" and s.name in SAFETY_ACTIONS for s in steps):
        metrics.append(SAFETY)
    metrics += [TOPIC + s.name for s in new_users if _TOPIC_NAME.match(s.name)]
    return metrics[:MAX_PER_TURN]


def header_value(metrics: Iterable[str]) -> str:
    return ",".join(metrics)


def parse_header(value: Optional[str]) -> Tuple[str, ...]:
    """Metrics from the response header, keeping only known ones (at most MAX_PER_TURN)."""
    if not value:
        return ()
    names = [n.strip() for n in value.split(",")[:MAX_PER_TURN]]
    return tuple(n for n in names if n in TURN_METRICS or (n.startswith(TOPIC) and is_metric(n)))


# ---------------------------------------------------------------- the database
def counts_url(setting: str = "", env: Mapping[str, str] = os.environ) -> Optional[str]:
    """Where counters live: `setting` (WEB_COUNTS_DB: an SQLAlchemy URL, or "off"), else the tracker
    store's PostgreSQL database when DB_HOST is set (the variables of endpoints.scaled.yml), else
    SQLite in var/campaign_counts.db. None = counting is off."""
    setting = (setting or "").strip()
    if setting.lower() in ("off", "av", "none"):
        return None
    if setting:
        return setting
    if env.get("DB_HOST", "").strip():
        user = quote(env.get("DB_USER", "postgres"), safe="")
        password = env.get("DB_PASSWORD", "")
        auth = user + (":" + quote(password, safe="") if password else "")
        port = env.get("DB_PORT", "").strip() or "5432"
        return f"postgresql://{auth}@{env['DB_HOST'].strip()}:{port}/{env.get('DB_NAME', '').strip() or 'rasa'}"
    return f"sqlite:///{DEFAULT_SQLITE}"


def describe_url(url: str) -> str:
    """The URL without password, for logs and the report."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(":" + parts.password + "@", ":***@", 1)
    return url


class CountStore:
    """The counters table (created when missing): add to counters, read them all."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        self.url = url
        if url.startswith("sqlite:///"):
            Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
            self.engine = sa.create_engine(url, connect_args={"timeout": 30})
        else:
            self.engine = sa.create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=2)
        self._ready = False

    def _ensure_table(self, conn) -> None:
        import sqlalchemy as sa

        if sa.inspect(conn).has_table(TABLE):  # made by the deployment: the role may not create tables
            return
        conn.execute(
            sa.text(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (campaign VARCHAR(40) NOT NULL, week VARCHAR(8) NOT NULL, "
                "metric VARCHAR(100) NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (campaign, week, metric))"
            )
        )

    def ensure_table(self) -> None:
        import sqlalchemy as sa

        if self._ready:
            return
        for attempt in range(3):
            try:
                with self.engine.begin() as conn:
                    self._ensure_table(conn)
                self._ready = True
                return
            except sa.exc.IntegrityError:  # two replicas created it at the same moment (PostgreSQL)
                if attempt == 2:
                    raise

    def add(self, counts: Mapping[Tuple[str, str, str], int]) -> None:
        """Add `counts` to the stored counters, in one transaction (rows in key order, so that two
        replicas adding at once never wait on each other in a cycle)."""
        import sqlalchemy as sa

        if not counts:
            return
        self.ensure_table()
        rows = [{"c": c, "w": w, "m": m, "n": n} for (c, w, m), n in sorted(counts.items()) if n]
        with self.engine.begin() as conn:
            conn.execute(
                sa.text(
                    f"INSERT INTO {TABLE} (campaign, week, metric, n) VALUES (:c, :w, :m, :n) "
                    f"ON CONFLICT (campaign, week, metric) DO UPDATE SET n = {TABLE}.n + excluded.n"
                ),
                rows,
            )

    def read(self) -> List[Tuple[str, str, str, int]]:
        """Every counter as (campaign, week, metric, n)."""
        import sqlalchemy as sa

        self.ensure_table()
        with self.engine.connect() as conn:
            result = conn.execute(
                sa.text(f"SELECT campaign, week, metric, n FROM {TABLE} ORDER BY campaign, week, metric")
            )
            return [(c, w, m, int(n)) for c, w, m, n in result]

    def close(self) -> None:
        self.engine.dispose()


def read_counts(url: str) -> List[Tuple[str, str, str, int]]:
    store = CountStore(url)
    try:
        return store.read()
    finally:
        store.close()


# ---------------------------------------------------------------- the buffer in the web front
class Tally:
    """Counter increments kept in memory until `flush` adds them to the store.

    `add` is a dict update (the message path pays nothing else). If the store fails, the
    increments are kept for the next flush (logged by type only)."""

    def __init__(self, store: Optional[CountStore]) -> None:
        self.store = store
        self._pending: Dict[Tuple[str, str, str], int] = defaultdict(int)
        self._lock = threading.Lock()
        self._week_day: Optional[dt.date] = None
        self._week = ""

    def _current_week(self) -> str:
        today = dt.date.today()
        if today != self._week_day:
            self._week_day, self._week = today, iso_week(today)
        return self._week

    def add(self, campaign: str, metrics: Iterable[str], week: Optional[str] = None) -> None:
        week = week or self._current_week()
        with self._lock:
            for metric in metrics:
                self._pending[(campaign, week, metric)] += 1

    def pending(self) -> Dict[Tuple[str, str, str], int]:
        with self._lock:
            return dict(self._pending)

    def flush(self) -> int:
        """Add what is pending to the store (blocking: call it from a worker thread); the number of
        counters written."""
        with self._lock:
            taken, self._pending = self._pending, defaultdict(int)
        if not taken or self.store is None:
            return 0
        try:
            self.store.add(taken)
        except Exception as error:  # noqa: BLE001 – keep the counts, try again at the next flush
            logger.error("Campaign counters could not be saved (%s); kept for the next attempt", type(error).__name__)
            with self._lock:
                for key, n in taken.items():
                    self._pending[key] += n
            return 0
        return len(taken)


# ---------------------------------------------------------------- reading for the report
def mask(n: int) -> str:
    """A count as shown to anyone: numbers below MIN_SHOWN are "< 5"."""
    return f"< {MIN_SHOWN}" if n < MIN_SHOWN else f"{n:,}".replace(",", "\u00a0")


def shown(n: int) -> Optional[int]:
    """The number if it may be shown, else None."""
    return n if n >= MIN_SHOWN else None


@dataclass
class Table:
    """Counters as nested dicts: campaign -> week -> metric -> n."""

    cells: Dict[str, Dict[str, Dict[str, int]]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[Tuple[str, str, str, int]]) -> "Table":
        cells: Dict[str, Dict[str, Dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
        for campaign, week, metric, n in rows:
            cells[campaign][week][metric] = cells[campaign][week].get(metric, 0) + int(n)
        return cls({c: dict(w) for c, w in cells.items()})

    @property
    def campaigns(self) -> List[str]:
        """Campaigns, most opened first."""
        return sorted(self.cells, key=lambda c: (-self.total(c, OPENED), c))

    def weeks(self, campaign: Optional[str] = None) -> List[str]:
        sources = [self.cells[campaign]] if campaign else list(self.cells.values())
        return sorted({w for weeks in sources for w in weeks})

    def get(self, campaign: str, week: str, metric: str) -> int:
        return self.cells.get(campaign, {}).get(week, {}).get(metric, 0)

    def total(self, campaign: str, metric: str) -> int:
        return sum(m.get(metric, 0) for m in self.cells.get(campaign, {}).values())

    def topics(self, campaign: str) -> Dict[str, int]:
        out: Dict[str, int] = defaultdict(int)
        for metrics in self.cells.get(campaign, {}).values():
            for metric, n in metrics.items():
                if metric.startswith(TOPIC):
                    out[metric[len(TOPIC) :]] += n
        return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def support_hosts() -> List[str]:
    """Host names of the support services' web addresses (content/resources.yml): a click on a link
    to one of them counts as `contact`, as does a click on a phone number. [] if the registry is broken."""
    try:
        from bot.domain import resources

        hosts = set()
        for r in resources.load().resources:
            if r.web:
                host = urlsplit(r.web if "//" in r.web else "https://" + r.web).hostname or ""
                if host:
                    hosts.add(host.lower().removeprefix("www."))
        return sorted(hosts)
    except Exception as error:  # noqa: BLE001 – counting must never stop the chat
        logger.warning("Support services could not be read for the contact counter: %s", type(error).__name__)
        return []
