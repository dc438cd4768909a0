"""Figures from the stored conversations, anonymised and aggregated only (for the staff report).

Where the conversations come from: the `tracker_store` of the endpoints file (Rasa's SQL store, also
when wrapped by the project's masking store), or a JSON dump of trackers (a list of
`{"events": […]}` as Rasa's `/conversations/<id>/tracker` returns them, or one tracker per line).
With the default in-memory store nothing is kept after Rasa stops, so there is nothing to count.

What comes out (`Stats`): questions per topic per week, the fallback rate per week, how often each
support service was named in the answers of `action_referral` / `action_support`, and the messages
the assistant did not understand (`nlu_fallback`), masked with `bot.privacy.mask` and counted.
Sender ids are used only to keep each conversation's events together while reading; they are
replaced by a running number at once and never leave this module. No timestamps finer than the week.
A not-understood message is shown in the report (`Stats.shown_not_understood`) only when the same
masked text occurs in at least `MIN_CONVERSATIONS` (5) different conversations: something only one
person wrote – a confession, a detail of their life – never reaches the staff report.
"""

import datetime as dt
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

from bot.domain.retrieval import full_intent

REFERRAL_ACTIONS = ("action_referral", "action_support")
FALLBACK = "nlu_fallback"
MIN_CONVERSATIONS = 5  # a not-understood text is shown only when this many conversations hold it


@dataclass
class Stats:
    source: str
    conversations: int = 0
    user_messages: int = 0
    per_week: Dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # week → intent → n
    fallback_per_week: Dict[str, Tuple[int, int]] = field(default_factory=dict)  # week → (fallbacks, messages)
    referrals: Counter = field(default_factory=Counter)  # service name → answers naming it
    referral_answers: int = 0
    not_understood: Counter = field(default_factory=Counter)  # masked text → n
    not_understood_in: Dict[str, set] = field(default_factory=lambda: defaultdict(set))  # masked → conversations
    chosen_after: Dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # masked → intent → n
    note: str = ""

    @property
    def fallbacks(self) -> int:
        return sum(f for f, _ in self.fallback_per_week.values())

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / self.user_messages if self.user_messages else 0.0

    @property
    def shown_not_understood(self) -> Counter:
        """The not-understood texts the report may show: each in at least MIN_CONVERSATIONS conversations."""
        return Counter(
            {
                text: n
                for text, n in self.not_understood.items()
                if len(self.not_understood_in.get(text, ())) >= MIN_CONVERSATIONS
            }
        )

    @property
    def weeks(self) -> List[str]:
        return sorted(set(self.per_week) | set(self.fallback_per_week))


def week_of(timestamp: float) -> str:
    year, week, _ = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isocalendar()
    return f"{year}-v{week:02d}"


def _intent(event: Dict[str, Any]) -> str:
    parse = event.get("parse_data") or {}
    text = event.get("text") or ""
    if text.startswith("/"):  # a button: the payload names the intent
        return re.split(r"[{@]", text[1:], maxsplit=1)[0].strip() or full_intent(parse)
    return full_intent(parse)


def _services() -> List[Tuple[str, List[str]]]:
    """(name, texts that show it was named) for every service in the registry."""
    from bot.domain import resources

    found = []
    for r in resources.load().resources:
        needles = [r.phone] if r.phone else []
        if not r.name.isdigit():
            needles.append(r.name)
        found.append((r.name, needles))
    return found


def _named(text: str, services: List[Tuple[str, List[str]]]) -> List[str]:
    low = text.lower()
    return [
        name
        for name, needles in services
        if any(re.search(r"(?<![\w-])" + re.escape(n.lower()) + r"(?![\w])", low) for n in needles)
    ]


def summarise(conversations: Iterable[List[Dict[str, Any]]], source: str) -> Stats:
    """Count everything the report shows from conversations given as lists of Rasa event dicts."""
    from bot.privacy import mask

    stats = Stats(source)
    services = _services()
    fallback_week: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    for events in conversations:
        if not any(e.get("event") == "user" for e in events):
            continue
        stats.conversations += 1
        pending: Optional[str] = None  # masked text of a not-understood message awaiting the user's choice
        current_action: Optional[str] = None
        named_this_turn: set = set()
        for e in events:
            kind = e.get("event")
            if kind == "user":
                week = week_of(float(e.get("timestamp") or 0))
                intent = _intent(e)
                stats.user_messages += 1
                fallback_week[week][1] += 1
                if (
                    pending is not None
                    and (e.get("text") or "").startswith("/")
                    and intent not in ("out_of_scope", "deny", FALLBACK)
                ):
                    stats.chosen_after[pending][intent] += 1
                pending = None
                if intent == FALLBACK:
                    fallback_week[week][0] += 1
                    masked = " ".join(mask(e.get("text") or "").split())
                    stats.not_understood[masked] += 1
                    stats.not_understood_in[masked].add(stats.conversations)
                    pending = masked
                else:
                    stats.per_week[week][intent] += 1
                current_action = None
            elif kind == "action":
                name = e.get("name")
                if name in REFERRAL_ACTIONS:
                    stats.referral_answers += 1
                    named_this_turn = set()
                current_action = name
            elif kind == "bot" and current_action in REFERRAL_ACTIONS:
                for name in _named(e.get("text") or "", services):
                    if name not in named_this_turn:
                        named_this_turn.add(name)
                        stats.referrals[name] += 1
    stats.fallback_per_week = {w: (f, n) for w, (f, n) in fallback_week.items()}
    return stats


# ---------------------------------------------------------------- reading the store
def _group(rows: Iterable[Tuple[Any, Dict[str, Any]]]) -> Iterator[List[Dict[str, Any]]]:
    """Rows (conversation key, event) in order → one list of events per conversation."""
    by_key: Dict[Any, List[Dict[str, Any]]] = {}
    for key, event in rows:
        by_key.setdefault(key, []).append(event)
    for events in by_key.values():
        yield sorted(events, key=lambda e: float(e.get("timestamp") or 0))


def from_dump(path: Path) -> Stats:
    """Trackers from a JSON file: a list of trackers, {"trackers": […]}, or one JSON object per line."""
    text = path.read_text(encoding="utf-8").strip()
    try:
        data = json.loads(text)
        items = data.get("trackers", [data]) if isinstance(data, dict) else data
    except json.JSONDecodeError:
        items = [json.loads(line) for line in text.splitlines() if line.strip()]
    conversations: List[List[Dict[str, Any]]] = []
    loose: List[Tuple[Any, Dict[str, Any]]] = []
    for n, item in enumerate(items):
        if isinstance(item, dict) and isinstance(item.get("events"), list):
            conversations.append(item["events"])
        elif isinstance(item, dict) and "event" in item:  # one event per line, with sender_id
            loose.append((item.get("sender_id", n), item))
    conversations += list(_group(loose))
    return summarise(conversations, f"fil {path.name} ({len(conversations)} samtal)")


def _kind(endpoint) -> str:
    """ "sql", "redis", "in_memory" …; the project's masking store counts as the store it wraps."""
    kind = (endpoint.type or "in_memory").strip()
    if kind.endswith("MaskingTrackerStore"):
        kind = str((endpoint.kwargs or {}).get("inner") or "in_memory")
    kind = kind.lower().replace("-", "_")
    return {
        "memory": "in_memory",
        "inmemory": "in_memory",
        "inmemorytrackerstore": "in_memory",
        "sqltrackerstore": "sql",
        "redistrackerstore": "redis",
    }.get(kind, kind)


def _sql_url(endpoint) -> Any:
    from rasa.core.tracker_store import SQLTrackerStore, validate_port

    kw = dict(endpoint.kwargs or {})
    return SQLTrackerStore.get_db_url(
        dialect=kw.get("dialect", "sqlite"),
        host=endpoint.url,
        port=validate_port(kw.get("port")),
        db=kw.get("db", "rasa.db"),
        username=kw.get("username"),
        password=kw.get("password"),
        login_db=kw.get("login_db"),
        query=kw.get("query"),
    )


def _from_sql(endpoint) -> List[List[Dict[str, Any]]]:
    import sqlalchemy as sa

    engine = sa.create_engine(_sql_url(endpoint))
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("events"):
                return []
            rows = connection.execute(sa.text("SELECT sender_id, data FROM events ORDER BY id"))
            numbers: Dict[str, int] = {}
            return list(_group((numbers.setdefault(sender, len(numbers)), json.loads(data)) for sender, data in rows))
    finally:
        engine.dispose()


def _from_redis(endpoint) -> List[List[Dict[str, Any]]]:
    from rasa.core.tracker_store import RedisTrackerStore

    kw = {k: v for k, v in (endpoint.kwargs or {}).items() if k not in ("inner", "type")}
    store = RedisTrackerStore(domain=None, host=endpoint.url or "localhost", **kw)
    found = []
    for key in store.red.scan_iter(match=store.key_prefix + "*"):
        raw = store.red.get(key)
        if raw:
            found.append(json.loads(raw).get("events") or [])
    return found


def from_endpoints(path: Path) -> Stats:
    """Events from the tracker store named in the endpoints file (SQL or Redis), read-only."""
    from rasa.utils.endpoints import read_endpoint_config

    if not path.exists():
        return Stats(f"{path.name} saknas", note=f"Endpoints-filen {path} finns inte.")
    try:
        endpoint = read_endpoint_config(str(path), "tracker_store")
    except Exception as err:  # noqa: BLE001 - e.g. ${DB_HOST} not set: explain instead of failing the whole report
        return Stats(
            "okänd",
            note=f"{path.name} gick inte att läsa ({type(err).__name__}: {err}). "
            "Är miljövariablerna för databasen satta (se docs/deployment.md)?",
        )
    kind = _kind(endpoint) if endpoint is not None else "in_memory"
    if kind == "in_memory":
        return Stats(
            "i minnet (in-memory)",
            note=(
                f"{path.name} sparar samtalen bara i minnet: de försvinner när Rasa stängs, så det finns inget "
                "att räkna här. Statistik kräver en databas (skalat läge, endpoints.scaled.yml: "
                "RASA_ENDPOINTS=endpoints.scaled.yml make report) eller en sparad JSON-fil (--samtal FIL)."
            ),
        )
    readers = {"sql": _from_sql, "redis": _from_redis}
    if kind not in readers:
        return Stats(
            f"tracker_store {kind}",
            note=(
                f"Rapporten kan läsa SQL och Redis, men {path.name} anger «{kind}». "
                "Exportera samtalen som JSON och använd --samtal FIL."
            ),
        )
    try:
        found = readers[kind](endpoint)
    except Exception as err:  # noqa: BLE001 - database down, driver missing, wrong password …
        return Stats(
            kind.upper(),
            note=f"Samtalen gick inte att läsa ({type(err).__name__}). Kontrollera "
            f"tracker_store i {path.name} och att databasen är igång.",
        )
    detail = (endpoint.kwargs or {}).get("dialect", "sqlite") + ", " if kind == "sql" else ""
    return summarise(found, f"{'SQL-databas' if kind == 'sql' else 'Redis'} ({detail}{path.name})")
