"""Soak run: "30 minutes" of mixed normal and hostile traffic through the web front, as fast as it goes.

What "30 minutes-equivalent" means here: 50 people chatting at the same time, each sending a message
about every 20 seconds (typing a short message, reading the answer) is 50 × 1800 s / 20 s = 4500
messages in 30 minutes, about 2.5 messages a second. The soak sends those 4500 requests from 50
concurrent conversations (a finished conversation is replaced by a new one) without pauses, so it
takes as long as the servers need (a few minutes on two cores). `--messages` and `--think-seconds`
change the equivalence; `--max-seconds` bounds the run (reported if it cut the run short).

The mix (by conversation, seeded, so two runs send the same traffic): ~70 % normal Swedish
conversations (questions, "jag vill sluta köpa sex" + a town, support, crisis, button payloads,
"Börja om"), and hostile ones: empty and blank messages, too long messages, bodies over the size
limit, invalid UTF-8, not JSON, wrong content type, wrong fields and conversation ids, deeply nested
JSON, a foreign Origin, HTML/script, emoji, control and invisible characters, other languages and
scripts, SQL-like text, unknown `/intent` payloads, personal data (personnummer in every writing,
phone numbers, e-mail addresses, street addresses, IP addresses – fresh random values each time,
recorded) and rapid bursts (30 messages of one conversation at once, which the per-conversation
rate limit must answer with 429, not with an error).

Reported: answers by kind and status, HTTP 5xx (must be 0), timeouts, unexpected statuses, Rasa
failures behind the front ("unavailable" fallbacks), "busy" fallbacks, RSS of every watched process
before/after/peak, error lines in the servers' logs, and – with a tracker store given – a scan of the
stored events: `bot.privacy.find` over everything that came from users (must find nothing) and an
exact search for every personal data value sent (must find none).

Standalone: `python -m bench.soak` starts its own action server, two Rasa replicas on
endpoints.scaled.yml against a fresh PostgreSQL database and Redis db (both removed afterwards), and
the web front; `python -m bench.web` runs it after the load runs. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import aiohttp

from bench.load import rss_mb
from bot.web.ids import IdIssuer

MESSAGES = 4500
CONVERSATIONS = 50
THINK_SECONDS = 20.0
BURST = 30

# ------------------------------------------------------------------------------------------ traffic

NORMAL_SCRIPTS: Sequence[Sequence[str]] = (
    ("hej", "vad är kast", "kan jag vara anonym hos kast", "tack"),
    ("jag vill sluta köpa sex", "umea", "hur går det till?", "tack hej"),
    ("var finns kast", "göteborg", "/faq/kast_how"),
    ("jag vill sluta kopa sex", "jag bor i malmö"),
    ("är det olagligt att köpa sex", "vad blir straffet för sexköp", "gäller lagen utomlands"),
    ("jag säljer sex och vill ha hjälp", "jag bor i stockholm"),
    ("jag är orolig för min bror som köper sex", "vad kan jag göra"),
    ("varför fokuserar ni på köparna", "vad är människohandel"),
    ("jag orkar inte mer, jag vill dö",),
    ("hej", "/affirm", "/deny", "/restart"),
    ("är du en robot", "kan jag prata med en människa"),
    ("jag vill sluta köpa sex", "nej"),
    ("vad säger lagen om webbkamera", "tack"),
    ("någon säljer sex i lägenheten bredvid, vem ska jag ringa", "det är ett barn"),
)

HOSTILE_TEXTS: Dict[str, Sequence[str]] = {
    "html": (
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">hej',
        "<b>fet</b> <a href='javascript:x'>länk</a>",
        "{{7*7}} ${7*7} <%= 7*7 %>",
    ),
    "emoji": ("😭😭😭", "🙏🏻 hjälp 👨‍👩‍👧‍👦", "🍆💦" * 20, "🇸🇪" * 50),
    "control": (
        "hej\x00\x01\x02\x1b[31m",
        "a\u202eb\u202dc\u200b\u2066d",
        "\ufeffvad är kast\u200b",
        "rad\n\n\n\n\nrad\r\n\t",
    ),
    "language": (
        "How can I stop paying for sex?",
        "Wie kann ich aufhören, für Sex zu bezahlen?",
        "كيف أتوقف عن شراء الجنس؟",
        "Sidee baan u joojin karaa iibsashada galmada?",
        "Miten voin lopettaa seksin ostamisen?",
        "Jak przestać płacić za seks?",
        "Как перестать покупать секс?",
        "我怎样才能停止买性？",
        "ትግርኛ ትኽእል ዲኻ",
    ),
    "injection": (
        "'; DROP TABLE events; --",
        "\" OR 1=1 --",
        '{"intent": "crisis"}',
        "/nonexistent_intent",
        "/",
        "/restart{\"x\": 1}",
        "/faq/../../etc/passwd",
        "%s%s%s%n",
        "../../../../etc/passwd",
    ),
}

STREETS = (
    "Storgatan",
    "Drottninggatan",
    "Kungsvägen",
    "Vasagatan",
    "Östra Hamngatan",
    "Skolgatan",
    "Per Albin Hanssons väg",
)
DOMAINS = ("example.se", "gmail.com", "hotmail.com", "telia.com", "outlook.com")
NAMES = ("anna", "erik", "lars", "karin", "maria", "johan", "sara", "ali", "fatima", "nils")


def _luhn(digits: str) -> str:
    total = 0
    for i, d in enumerate(int(c) for c in digits):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def personnummer(rng: random.Random) -> str:
    year, month = rng.randint(1940, 2006), rng.randint(1, 12)
    day = rng.randint(1, 28)
    serial = f"{rng.randint(0, 999):03d}"
    short = f"{year % 100:02d}{month:02d}{day:02d}"
    check = _luhn(short + serial)
    return rng.choice(
        (
            f"{year}{month:02d}{day:02d}-{serial}{check}",
            f"{short}-{serial}{check}",
            f"{short}{serial}{check}",
            f"{year}{month:02d}{day:02d}{serial}{check}",
        )
    )


def phone(rng: random.Random) -> str:
    n = [rng.randint(0, 9) for _ in range(7)]
    mobile = rng.choice("02369")
    return rng.choice(
        (
            f"07{mobile}-{n[0]}{n[1]}{n[2]} {n[3]}{n[4]} {n[5]}{n[6]}",
            f"07{mobile}{''.join(map(str, n))}",
            f"+46 7{mobile} {n[0]}{n[1]}{n[2]} {n[3]}{n[4]} {n[5]}{n[6]}",
            f"08-{n[0] or 1}{n[1]}{n[2]} {n[3]}{n[4]} {n[5]}{n[6]}",
        )
    )


def email(rng: random.Random) -> str:
    user = f"{rng.choice(NAMES)}.{rng.choice(NAMES)}{rng.randint(1, 999)}"
    domain = rng.choice(DOMAINS)
    return rng.choice((f"{user}@{domain}", f"{user}(at){domain}"))


def address(rng: random.Random) -> str:
    return f"{rng.choice(STREETS)} {rng.randint(1, 140)}{rng.choice(('', '', 'B', ' C'))}"


def ip(rng: random.Random) -> str:
    return ".".join(str(rng.randint(1, 254)) for _ in range(4))


PERSONAL = {"personnummer": personnummer, "telefon": phone, "e-post": email, "adress": address, "ip": ip}
PERSONAL_TEMPLATES = (
    "jag vill sluta köpa sex, ring mig på {telefon}",
    "mitt personnummer är {personnummer}, kan jag vara anonym?",
    "maila mig på {e-post} om kast",
    "jag bor på {adress} i Göteborg, var finns kast",
    "jag heter Anna, {personnummer}, {telefon}, {e-post}",
    "min ip är {ip} och jag är rädd att polisen ser att jag köpt sex",
    "{personnummer}",
    "ring {telefon} eller skriv till {e-post}, jag bor på {adress}",
)


@dataclass
class Request:
    kind: str
    body: bytes
    content_type: str = "application/json"
    headers: Dict[str, str] = field(default_factory=dict)
    expect: Tuple[int, ...] = (200,)
    may_be_silent: bool = False  # "/restart" (also with entities) is answered with no messages


def message(conversation_id: str, text: str, kind: str = "normal", expect: Tuple[int, ...] = (200,)) -> Request:
    body = json.dumps({"conversation_id": conversation_id, "message": text}, ensure_ascii=False).encode()
    return Request(kind, body, expect=expect, may_be_silent=text.strip().startswith("/restart"))


# The front issues conversation ids (bot.web.ids); the soak's front shares this key, so the soak
# signs ids the same way without one request per conversation.
SOAK_ID_SECRET = "soak-run-shared-id-secret-0123456789"
_ISSUER = IdIssuer(SOAK_ID_SECRET.encode())


def new_id() -> str:
    return _ISSUER.issue()[0]


class Traffic:
    """Conversations of the mix, from a seeded generator; records the personal data it sends."""

    def __init__(self, seed: int = 20261127) -> None:
        self.rng = random.Random(seed)
        self.personal_sent: List[Tuple[str, str]] = []  # (kind, value)

    def _personal_text(self) -> str:
        template = self.rng.choice(PERSONAL_TEMPLATES)
        values = {}
        for kind, make in PERSONAL.items():
            if "{" + kind + "}" in template:
                values[kind] = make(self.rng)
                self.personal_sent.append((kind, values[kind]))
        return template.format_map(values)

    def conversation(self) -> Tuple[str, List[Request]]:
        """(name, requests sent one after the other); a 'burst' is sent all at once."""
        rng, cid = self.rng, new_id()
        roll = rng.random()
        if roll < 0.70:
            return "normal", [message(cid, t) for t in rng.choice(NORMAL_SCRIPTS)]
        if roll < 0.80:
            texts = [self._personal_text() for _ in range(rng.randint(1, 3))]
            return "personal", [message(cid, "hej")] + [message(cid, t, "personal") for t in texts]
        if roll < 0.90:
            kind = rng.choice(sorted(HOSTILE_TEXTS))
            return kind, [message(cid, rng.choice(HOSTILE_TEXTS[kind]), kind) for _ in range(rng.randint(1, 3))]
        if roll < 0.98:
            return "protocol", [self._protocol(cid)]
        return "burst", [message(cid, f"hallå? {n}", "burst", expect=(200, 429)) for n in range(BURST)]

    def _protocol(self, cid: str) -> Request:
        """Requests that break the API's rules: each must get a clear 4xx (or a friendly 200)."""
        pick = self.rng.randrange(12)
        if pick == 0:
            return message(cid, "", "empty")
        if pick == 1:
            return message(cid, " \n\t ", "empty")
        if pick == 2:
            return message(cid, "jag vill sluta " * 400, "too_long")  # 6000 characters, under the byte limit
        if pick == 3:
            return Request(
                "oversize", json.dumps({"conversation_id": cid, "message": "x" * 40000}).encode(), expect=(413,)
            )
        if pick == 4:
            return Request(
                "binary",
                b'{"conversation_id": "' + cid.encode() + b'", "message": "\xff\xfe\xc3\x28 hej"}',
                expect=(400,),
            )
        if pick == 5:
            return Request("binary", bytes(self.rng.randrange(256) for _ in range(512)), expect=(400,))
        if pick == 6:
            return Request("not_json", b"message=hej&conversation_id=" + cid.encode(), expect=(400,))
        if pick == 7:
            return Request(
                "content_type",
                json.dumps({"conversation_id": cid, "message": "hej"}).encode(),
                content_type="text/plain",
                expect=(415,),
            )
        if pick == 8:
            return Request(
                "bad_fields", json.dumps({"conversation_id": "1' OR '1'='1", "message": "hej"}).encode(), expect=(400,)
            )
        if pick == 9:
            return Request(
                "bad_fields", json.dumps({"conversation_id": cid, "message": ["hej"], "x": 1}).encode(), expect=(400,)
            )
        if pick == 10:
            return Request("nested", b'{"conversation_id": ' + b"[" * 5000 + b"]" * 5000 + b"}", expect=(400,))
        return Request(
            "origin",
            json.dumps({"conversation_id": cid, "message": "hej"}).encode(),
            headers={"Origin": "https://evil.example"},
            expect=(403,),
        )


# ------------------------------------------------------------------------------------------ running


@dataclass
class SoakResult:
    requests: int = 0
    seconds: float = 0.0
    statuses: Counter = field(default_factory=Counter)  # (kind, status) -> count
    fallbacks: Counter = field(default_factory=Counter)  # "busy" / "unavailable"
    fallbacks_by_kind: Counter = field(default_factory=Counter)  # (kind, fallback) -> count
    unexpected: Counter = field(default_factory=Counter)  # (kind, status) -> count
    timeouts: int = 0
    failures: Counter = field(default_factory=Counter)  # exception name -> count
    latencies: List[float] = field(default_factory=list)
    cut_short: bool = False

    @property
    def server_errors(self) -> int:
        return sum(n for (_, status), n in self.statuses.items() if status >= 500)


class Budget:
    def __init__(self, total: int, max_seconds: float) -> None:
        self.left = total
        self.stop_at = time.monotonic() + max_seconds
        self.cut_short = False

    def take(self, n: int = 1) -> int:
        if time.monotonic() > self.stop_at:
            self.cut_short = self.left > 0
            return 0
        n = min(n, self.left)
        self.left -= n
        return n


async def soak(
    url: str,
    messages: int = MESSAGES,
    conversations: int = CONVERSATIONS,
    max_seconds: float = 1200,
    traffic: Optional[Traffic] = None,
    timeout: float = 60,
    on_tick: Optional[Callable[[], None]] = None,
) -> Tuple[SoakResult, Traffic]:
    """Send `messages` requests of the mix to the front at `url` from `conversations` at once."""
    traffic = traffic or Traffic()
    result = SoakResult()
    budget = Budget(messages, max_seconds)
    endpoint = url.rstrip("/") + "/api/message"

    async def send(session: aiohttp.ClientSession, request: Request) -> None:
        headers = {"Content-Type": request.content_type, **request.headers}
        start = time.perf_counter()
        try:
            async with session.post(endpoint, data=request.body, headers=headers) as response:
                raw = await response.read()
                status = response.status
        except asyncio.TimeoutError:
            result.timeouts += 1
            return
        except aiohttp.ClientError as error:
            # An oversize body may be cut off by the server's 413 before it is sent completely.
            result.failures[f"{request.kind}:{type(error).__name__}"] += 1
            return
        result.latencies.append(time.perf_counter() - start)
        result.statuses[(request.kind, status)] += 1
        if status not in request.expect:
            result.unexpected[(request.kind, status)] += 1
        if status == 200:
            try:
                data = json.loads(raw)
            except ValueError:
                result.unexpected[(request.kind, "not json")] += 1
                return
            if data.get("fallback"):
                result.fallbacks[data["fallback"]] += 1
                result.fallbacks_by_kind[(request.kind, data["fallback"])] += 1
            if not data.get("messages") and not request.may_be_silent:
                result.unexpected[(request.kind, "no messages")] += 1

    async def worker(session: aiohttp.ClientSession) -> None:
        while True:
            name, requests = traffic.conversation()
            if name == "burst":
                n = budget.take(len(requests))
                if not n:
                    return
                await asyncio.gather(*(send(session, r) for r in requests[:n]))
                result.requests += n
                continue
            for request in requests:
                if not budget.take():
                    return
                await send(session, request)
                result.requests += 1

    async def ticker() -> None:
        while True:
            await asyncio.sleep(5)
            if on_tick:
                on_tick()

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        started = time.perf_counter()
        tick = asyncio.ensure_future(ticker())
        try:
            await asyncio.gather(*(worker(session) for _ in range(conversations)))
        finally:
            tick.cancel()
        result.seconds = time.perf_counter() - started
    result.cut_short = budget.cut_short
    return result, traffic


class MemoryWatch:
    """RSS (MB) of named processes: at the start, the peak seen by `sample()`, and at the end."""

    def __init__(self, pids: Dict[str, int]) -> None:
        self.pids = pids
        self.start = {name: rss_mb(pid) for name, pid in pids.items()}
        self.peak = dict(self.start)
        self.end: Dict[str, float] = {}

    def sample(self) -> None:
        for name, pid in self.pids.items():
            self.peak[name] = max(self.peak[name], rss_mb(pid))

    def finish(self) -> None:
        self.sample()
        self.end = {name: rss_mb(pid) for name, pid in self.pids.items()}

    def lines(self) -> List[str]:
        out = []
        for name in self.pids:
            a, b, p = self.start[name], self.end.get(name, float("nan")), self.peak[name]
            out.append(
                f"  RSS {name:<14} {a:7.1f} MB → {b:7.1f} MB  (growth {b - a:+6.1f} MB, {100 * (b - a) / a:+5.1f} %; peak {p:7.1f} MB)"
            )
        return out


ERROR_LINE = re.compile(r"\b(ERROR|CRITICAL|Traceback)\b")


def log_errors(logs: Sequence[Path]) -> Dict[str, int]:
    """Lines with ERROR/CRITICAL/Traceback in each log file."""
    return {
        log.name: sum(1 for line in log.read_text(errors="replace").splitlines() if ERROR_LINE.search(line))
        for log in logs
        if log.exists()
    }


def personal_in_logs(logs: Sequence[Path], sent: Sequence[Tuple[str, str]]) -> int:
    """How many of the personal data values sent appear verbatim in the logs."""
    text = "\n".join(log.read_text(errors="replace") for log in logs if log.exists())
    return sum(1 for _, value in set(sent) if value in text)


def scan_store(stores, sent: Sequence[Tuple[str, str]]) -> Dict[str, object]:
    """Stored events: `find` over user-originated strings, exact search for every value sent."""
    from bench.servers import personal_data_in

    events = stores.events()
    found = personal_data_in(events)
    everything = "\n".join(json.dumps(data, ensure_ascii=False) for _, _, data in events)
    leaked = sorted({(kind, value) for kind, value in set(sent) if value in everything})
    masks = Counter(m for m in re.findall(r"\[(personnummer|telefon|e-post|adress|ip)\]", everything))
    return {
        "events": len(events),
        "conversations": len({s for s, _, _ in events}),
        "user_hits": found["user"],
        "other_hits": found["other"],
        "leaked": leaked,
        "placeholders": masks,
    }


def report(
    result: SoakResult,
    traffic: Traffic,
    memory: MemoryWatch,
    errors: Dict[str, int],
    scan: Optional[Dict[str, object]],
    pii_in_logs: Optional[int],
    think_seconds: float,
    conversations: int,
) -> List[str]:
    kinds = Counter()
    for (kind, _), n in result.statuses.items():
        kinds[kind] += n
    equivalent = result.requests * think_seconds / conversations / 60
    lat = sorted(result.latencies)
    p = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000) if lat else (lambda q: float("nan"))
    lines = [
        f"soak: {result.requests} requests from {conversations} concurrent conversations in {result.seconds:.0f} s "
        f"({result.requests / result.seconds:.1f} req/s) = {equivalent:.0f} minutes of traffic at one message per "
        f"{think_seconds:.0f} s per conversation" + ("  [CUT SHORT by --max-seconds]" if result.cut_short else ""),
        f"  answers: p50 {p(0.5):.0f} ms, p95 {p(0.95):.0f} ms",
        "  by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())),
        "  by status: " + ", ".join(f"{s} {n}" for s, n in sorted(_by_status(result.statuses).items())),
        f"  HTTP 5xx: {result.server_errors}   timeouts: {result.timeouts}   connection failures: "
        f"{sum(result.failures.values())} {dict(result.failures) or ''}",
        f"  unexpected answers: {sum(result.unexpected.values())} {dict(result.unexpected) or ''}",
        f"  fallbacks: busy {result.fallbacks.get('busy', 0)}, unavailable (Rasa failed) {result.fallbacks.get('unavailable', 0)}; "
        f"busy by kind: "
        + ", ".join(f"{k} {n} of {kinds[k]}" for (k, f), n in sorted(result.fallbacks_by_kind.items()) if f == "busy"),
        *memory.lines(),
        "  error lines in logs: " + ", ".join(f"{k} {v}" for k, v in errors.items()),
        f"  personal data values sent: {len(traffic.personal_sent)} "
        f"({', '.join(f'{k} {n}' for k, n in sorted(Counter(k for k, _ in traffic.personal_sent).items()))})",
    ]
    if pii_in_logs is not None:
        lines.append(f"  personal data values found verbatim in the servers' logs: {pii_in_logs}")
    if scan is not None:
        lines += [
            f"  tracker store: {scan['events']} events of {scan['conversations']} conversations; placeholders "
            + ", ".join(f"[{k}] {n}" for k, n in sorted(scan["placeholders"].items())),
            f"  unmasked personal data in what users wrote (bot.privacy.find): {len(scan['user_hits'])} {scan['user_hits'][:5] or ''}",
            f"  personal data values sent found verbatim in the store: {len(scan['leaked'])} {scan['leaked'][:5] or ''}",
            f"  find() hits in other fields (not user text: bot texts, ids): {len(scan['other_hits'])} "
            f"{dict(Counter(f'{t}.{_generic(p)}' for t, p, _, _ in scan['other_hits'])) or ''}",
        ]
    return lines


def _generic(path: str) -> str:
    """A field path without list indexes: parse_data.entities.0.value -> parse_data.entities.value."""
    return ".".join(part for part in path.split(".") if not part.isdigit())


def _by_status(statuses: Counter) -> Counter:
    totals: Counter = Counter()
    for (_, status), n in statuses.items():
        totals[status] += n
    return totals


def verdict(result: SoakResult, scan: Optional[Dict[str, object]]) -> bool:
    ok = (
        result.server_errors == 0
        and result.timeouts == 0
        and not result.unexpected
        and not result.fallbacks.get("unavailable")
        and not result.cut_short
    )
    if scan is not None:
        ok = ok and not scan["user_hits"] and not scan["leaked"]
    return ok


def run(
    front_url: str,
    stores,
    pids: Dict[str, int],
    logs: Sequence[Path],
    messages: int = MESSAGES,
    conversations: int = CONVERSATIONS,
    think_seconds: float = THINK_SECONDS,
    max_seconds: float = 1200,
) -> bool:
    """Soak the front, print the report; True when nothing failed. `stores` (ScaledStores) may be None."""
    memory = MemoryWatch(pids)
    before = log_errors(logs)
    result, traffic = asyncio.run(soak(front_url, messages, conversations, max_seconds, on_tick=memory.sample))
    memory.finish()
    after = log_errors(logs)
    errors = {name: after.get(name, 0) - before.get(name, 0) for name in after}
    scan = scan_store(stores, traffic.personal_sent) if stores is not None else None
    pii_logs = personal_in_logs(logs, traffic.personal_sent)
    for line in report(result, traffic, memory, errors, scan, pii_logs, think_seconds, conversations):
        print(line, flush=True)
    good = verdict(result, scan)
    print(f"soak verdict: {'PASS' if good else 'FAIL'}", flush=True)
    return good


def main() -> None:
    from bench.servers import MODEL, SCALED_ENDPOINTS, ScaledStores, Servers
    from bot.tools import procs

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--messages", type=int, default=MESSAGES, help="requests in all (default: 30 minutes' worth)")
    p.add_argument("--conversations", type=int, default=CONVERSATIONS)
    p.add_argument(
        "--think-seconds", type=float, default=THINK_SECONDS, help="assumed pause between one person's messages"
    )
    p.add_argument("--max-seconds", type=float, default=1200)
    p.add_argument("--replicas", type=int, default=2)
    p.add_argument("--endpoints", default=SCALED_ENDPOINTS)
    args = p.parse_args()
    logs = Path(tempfile.mkdtemp(prefix="soak-"))
    print(f"logs in {logs}", flush=True)
    model = logs / "model.tar.gz"
    shutil.copyfile(MODEL, model)
    with ScaledStores(prefix="jamchat_soak") as stores:
        servers = Servers(logs)
        try:
            actions = servers.actions()
            replicas = [
                servers.rasa(chr(ord("a") + i), args.endpoints, stores.env(), model=model) for i in range(args.replicas)
            ]
            procs.wait_http(f"http://127.0.0.1:{servers.action_port}/health", timeout=60, proc=actions)
            for proc, url in replicas:
                servers.wait(url, proc, timeout=600)
            front, front_url = servers.web("soak", [url for _, url in replicas], **soak_front_env())
            asyncio.run(_warm(front_url))
            stores.truncate()
            pids = {f"rasa-{chr(ord('a') + i)}": proc.pid for i, (proc, _) in enumerate(replicas)}
            pids.update({"web front": front.pid, "action server": actions.pid})
            ok = run(
                front_url,
                stores,
                pids,
                sorted(logs.glob("*.log")),
                args.messages,
                args.conversations,
                args.think_seconds,
                args.max_seconds,
            )
        finally:
            servers.stop()
            model.unlink(missing_ok=True)
    raise SystemExit(0 if ok else 1)


def soak_front_env() -> Dict[str, str]:
    """The front's settings for the soak: production defaults except the per-client limit (all the
    traffic comes from 127.0.0.1, one client); the per-conversation limit stays at 20 a minute."""
    return {"WEB_RATE_CLIENT": "10000000", "WEB_ID_SECRET": SOAK_ID_SECRET}


async def _warm(front_url: str) -> None:
    """A few messages so that every replica has loaded what it loads lazily."""
    from bench.load import run_load
    from bench.web import web_body

    await run_load(
        front_url + "/api/message",
        ["hej", "vad är kast", "jag vill sluta köpa sex", "umea"],
        users=4,
        per_user=4,
        body=web_body,
    )


if __name__ == "__main__":
    main()
