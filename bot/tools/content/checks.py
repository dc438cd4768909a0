"""Every check of the content (`python -m bot check`): no training, a few seconds.

    issues = run(Path("/work/main"))          # [Issue(level, code, file, line, what, fix), …]

Each check reads the project under `root` (a copy in the tests), and reports every problem with the
file, the line and a fix, in Swedish. Errors are what would break the assistant, `make test` or the
rules for facts; warnings are what staff should look at (old resources, long answers, duplicates
that add nothing). The checks reuse the project's own code: the intent contract and the copies of the
delivered files (`bot.domain.contract`), the fact registry and the claims in a text (`bot.domain.facts`), the
registry schema (`bot.domain.resources`), the rendered referral answers (`bot.domain.referral`), the safety rules
(`bot.domain.safety`), the place names (`bot.domain.places`) and text folding (`bot.domain.text.fold`).
"""

import datetime as dt
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Set, Tuple

import yaml

from bot.domain import contract
from bot.domain import facts as fact_registry
from bot.domain import text as text_forms
from bot.domain.retrieval import RETRIEVAL_INTENTS
from bot.domain.yaml_text import TextDatesLoader
from bot.tools.content import yamlfile
from bot.tools.content.issues import Issue, error, warning

ROOT = contract.ROOT

# Same thresholds as tests/test_contract.py: examples per contract intent.
MIN_EXAMPLES = 30
MIN_EXAMPLES_IMPORTANT = 60
IMPORTANT_INTENTS = {
    "crisis",
    "immediate_danger",
    "child_at_risk",
    "want_to_stop_buying",
    "find_kast",
    "victim_help",
    "worried_about_other",
    "report_suspicion",
}
# Answers given by responses whose must_say facts are checked (as in tests/test_contract.py).
RESPONSE_FOR = {
    "bot_challenge": "utter_bot_challenge",
    "crisis": "utter_crisis",
    "immediate_danger": "utter_immediate_danger",
    "child_at_risk": "utter_child_at_risk",
    "seeking_to_buy": "utter_seeking_to_buy",
}
WORD_GUIDELINE = 80  # "högst ca 80 ord" in faq.yml and messages.yml
TURN_LIMIT = 80  # words in all bubbles of one referral turn (buttons not counted)
WORD_LIMIT = 95  # tests/test_contract.py fails above this
VERIFIED_MAX_DAYS = 365
# "Källa: [Jämställdhetsmyndigheten](https://…)" (the widget shows the name as a link) or a bare URL.
SOURCE_LINE = re.compile(r"Källa:\s*(?:\[[^\]]+\]\()?(https?://[^\s)]+)")
ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
PLACEHOLDER = re.compile(r"\{(\w*)\}")
# Placeholders bot/domain/referral.py fills in (documented at the top of content/messages.yml).
KNOWN_PLACEHOLDERS = {
    "place",
    "county",
    "municipality",
    "in_place",
    "In_place",
    "in_municipality",
    "name",
    "home",
    "names",
    "phone",
    "email",
    "kast_places",
    "mika_places",
    "label",
    "run_by",
    "provider",
}

# Text forms of the examples and the claims of each answer text, kept between runs in one process (the
# tests and the report run the checks many times over the same texts): pure functions of their arguments.
fold = functools.lru_cache(maxsize=1 << 16)(text_forms.fold)
normalize = functools.lru_cache(maxsize=1 << 16)(text_forms.normalize)


@functools.lru_cache(maxsize=1 << 12)
def _unbacked(text: str, known: Tuple[str, ...]) -> Tuple[fact_registry.Claim, ...]:
    return tuple(fact_registry.unbacked(text, known))


RASA_FILES = ("domain.yml", "config.yml")
CONTENT_FILES = (
    "content/messages.yml",
    "content/topics.yml",
    "content/safety.yml",
    "content/places/aliases.yml",
    contract.REGISTRY_FILE,
)
OTHER_FILES = ("endpoints.yml", "credentials.yml")


# ---------------------------------------------------------------- the project, read once
@dataclass
class Example:
    text: str  # as written, without entity markup
    intent: str  # full name: "faq/law"
    file: str
    line: int


@dataclass
class Response:
    name: str  # utter_…
    index: int  # variant number
    text: str
    buttons: List[dict]
    file: str
    line: int


@dataclass
class Step:
    kind: str  # "intent", "action" or "active_loop"
    name: str
    file: str
    line: int
    block: str


@dataclass
class Project:
    root: Path
    docs: Dict[str, yamlfile.Doc] = field(default_factory=dict)
    examples: List[Example] = field(default_factory=list)
    intent_lines: Dict[str, Tuple[str, int]] = field(default_factory=dict)  # first block of an intent
    responses: List[Response] = field(default_factory=list)
    steps: List[Step] = field(default_factory=list)
    holdout: List[Example] = field(default_factory=list)
    _facts: Optional[Tuple[Path, fact_registry.Registry]] = field(default=None, repr=False)

    def doc(self, rel: str) -> yamlfile.Doc:
        if rel not in self.docs:
            dated = rel in ("content/resources.yml", contract.REGISTRY_FILE)
            loader = TextDatesLoader if dated else yaml.SafeLoader
            self.docs[rel] = yamlfile.read(self.root, rel, loader)
        return self.docs[rel]

    def files(self, pattern: str) -> List[str]:
        return sorted(str(p.relative_to(self.root)) for p in self.root.glob(pattern) if p.is_file())

    @property
    def domain(self) -> dict:
        data = self.doc("domain.yml").data
        return data if isinstance(data, dict) else {}

    @property
    def domain_intents(self) -> List[str]:
        return [i if isinstance(i, str) else next(iter(i)) for i in self.domain.get("intents") or []]

    @functools.cached_property
    def retrieval_keys(self) -> Set[str]:
        """Computed once, when first asked for after `load` (the checks ask for it many times)."""
        return {e.intent for e in self.examples if "/" in e.intent}

    @property
    def facts_registry(self) -> fact_registry.Registry:
        """The fact registry under `root`, read once (two checks use it)."""
        if self._facts is None or self._facts[0] != self.root:
            self._facts = (self.root, fact_registry.load(self.root))
        return self._facts[1]

    def response_names(self) -> Set[str]:
        return {r.name for r in self.responses}

    def registry_entries(self) -> List[dict]:
        data = self.doc("content/resources.yml").data
        entries = data.get("resources") if isinstance(data, dict) else None
        return [e for e in entries or [] if isinstance(e, dict)]


def _items(data: Any, key: str) -> List[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _examples(doc: yamlfile.Doc) -> Iterator[Example]:
    for n, item in enumerate(_items(doc.data, "nlu")):
        if not isinstance(item, dict) or "intent" not in item:
            continue
        node = doc.node_at("nlu", n, "examples")
        intent = str(item["intent"])
        for line, raw in yamlfile.block_lines(doc, node):
            text = ENTITY_MARKUP.sub(r"\1", raw).strip() if "[" in raw else raw
            yield Example(text, intent, doc.rel, line)


def load(root: Path = ROOT) -> Project:
    """Read every file the checks need (broken files are kept, with their syntax error)."""
    p = Project(Path(root))
    for rel in (
        *RASA_FILES,
        *p.files("data/**/*.yml"),
        "content/resources.yml",
        *CONTENT_FILES,
        *p.files("tests/stories/*.yml"),
        "tests/nlu_holdout.yml",
        *OTHER_FILES,
    ):
        if (p.root / rel).exists():
            p.doc(rel)
    for rel in p.files("data/**/*.yml"):
        doc = p.doc(rel)
        for n, item in enumerate(_items(doc.data, "nlu")):
            if isinstance(item, dict) and "intent" in item:
                p.intent_lines.setdefault(str(item["intent"]), (rel, doc.line("nlu", n, "intent")))
        p.examples += list(_examples(doc))
    if (p.root / "tests/nlu_holdout.yml").exists():
        p.holdout = list(_examples(p.doc("tests/nlu_holdout.yml")))
    for rel in ["domain.yml"] + p.files("data/**/*.yml"):
        doc = p.doc(rel)
        responses = doc.data.get("responses") if isinstance(doc.data, dict) else None
        for name, variants in (responses or {}).items() if isinstance(responses, dict) else []:
            for i, v in enumerate(variants if isinstance(variants, list) else []):
                if isinstance(v, dict):
                    p.responses.append(
                        Response(
                            str(name),
                            i,
                            str(v.get("text") or ""),
                            [b for b in v.get("buttons") or [] if isinstance(b, dict)],
                            rel,
                            doc.line("responses", name, i) or doc.line("responses", name),
                        )
                    )
    for rel in p.files("data/**/*.yml") + p.files("tests/stories/*.yml"):
        doc = p.doc(rel)
        for section in ("rules", "stories"):
            for b, block in enumerate(_items(doc.data, section)):
                if not isinstance(block, dict):
                    continue
                name = str(block.get("rule") or block.get("story") or "")
                for part in ("condition", "steps"):
                    for s, step in enumerate(block.get(part) or []):
                        for kind in ("intent", "action", "active_loop"):
                            if isinstance(step, dict) and isinstance(step.get(kind), str):
                                p.steps.append(Step(kind, step[kind], rel, doc.line(section, b, part, s, kind), name))
    return p


# ---------------------------------------------------------------- checks
def check_yaml(p: Project) -> Iterable[Issue]:
    for doc in p.docs.values():
        yield from doc.issues


def check_contract(p: Project) -> Iterable[Issue]:
    """Every contract intent is in the domain and has enough examples; no intent without examples."""
    domain = set(p.domain_intents)
    if not p.doc("domain.yml").ok:
        return
    counts = defaultdict(int)
    for e in p.examples:
        counts[e.intent] += 1
    intents_line = p.doc("domain.yml").line("intents")
    for name in contract.intent_names(p.root):
        if name.split("/")[0] not in domain:
            yield error(
                "contract",
                "domain.yml",
                intents_line,
                f"Intenten «{name}» ur kontraktet ({contract.CONTRACT_FILE}) saknas under intents:.",
                f"Lägg till raden «  - {name.split('/')[0]}» under intents: i domain.yml. Kontraktets namn får inte ändras.",
            )
        need = MIN_EXAMPLES_IMPORTANT if name in IMPORTANT_INTENTS else MIN_EXAMPLES
        if counts[name] < need:
            file, line = p.intent_lines.get(name, ("data/nlu", None))
            yield error(
                "examples-count",
                file,
                line,
                f"Intenten «{name}» har {counts[name]} exempel; den behöver minst {need}.",
                f"Skriv {need - counts[name]} nya sätt att säga samma sak (med stavfel, utan å/ä/ö, "
                "vardagligt) under «examples:» för intenten.",
            )
    doc = p.doc("domain.yml")
    for i, name in enumerate(p.domain_intents):
        if name not in counts and not any(k.startswith(name + "/") for k in counts):
            yield error(
                "intent-without-examples",
                "domain.yml",
                doc.line("intents", i),
                f"Intenten «{name}» står i domain.yml men har inga exempel i data/nlu.",
                f"Lägg till ett block «- intent: {name}» med exempel i en fil i data/nlu/, "
                "eller ta bort intenten ur domain.yml.",
            )
    for name, (file, line) in sorted(p.intent_lines.items()):
        if name.split("/")[0] not in domain:
            yield error(
                "unknown-intent",
                file,
                line,
                f"Exemplen hör till intenten «{name}», som inte finns under intents: i domain.yml.",
                f"Rätta stavningen, eller lägg till «  - {name.split('/')[0]}» under intents: i domain.yml.",
            )


def check_examples(p: Project) -> Iterable[Issue]:
    """Duplicates within an intent, the same phrasing in two intents, held-out phrasings in training."""
    by_exact: Dict[str, List[Example]] = defaultdict(list)
    by_folded: Dict[str, List[Example]] = defaultdict(list)
    for e in p.examples:
        if not e.text:
            yield error(
                "empty-example",
                e.file,
                e.line,
                "Tom rad i exemplen («- » utan text).",
                "Skriv en fråga efter «- » eller ta bort raden.",
            )
            continue
        by_exact[normalize(e.text)].append(e)
        by_folded[fold(e.text)].append(e)
    reported = set()
    for group in by_exact.values():
        first = group[0]
        for e in group[1:]:
            reported.add(id(e))
            if e.intent == first.intent:
                yield warning(
                    "duplicate",
                    e.file,
                    e.line,
                    f"Exemplet «{e.text}» finns redan i {first.intent} ({first.file}:{first.line}).",
                    "Ta bort den här raden – en dubblett lär chattboten inget nytt.",
                )
            else:
                yield error(
                    "conflict",
                    e.file,
                    e.line,
                    f"Exemplet «{e.text}» står både i {first.intent} ({first.file}:{first.line}) "
                    f"och i {e.intent}. Chattboten kan inte veta vilket som gäller.",
                    "Bestäm vilken intent frågan hör till och ta bort den andra raden.",
                )
    for group in by_folded.values():
        first = group[0]
        for e in group[1:]:
            if id(e) in reported or normalize(e.text) == normalize(first.text):
                continue
            if e.intent == first.intent:
                yield warning(
                    "duplicate-folded",
                    e.file,
                    e.line,
                    f"«{e.text}» är samma som «{first.text}» ({first.file}:{first.line}) när å/ä/ö, "
                    "stora bokstäver och skiljetecken räknas bort – chattboten ser dem som samma mening.",
                    "Ta bort raden, eller skriv en verkligt annan formulering.",
                )
            else:
                yield error(
                    "conflict-folded",
                    e.file,
                    e.line,
                    f"«{e.text}» ({e.intent}) är samma som «{first.text}» i {first.intent} "
                    f"({first.file}:{first.line}) när å/ä/ö och skiljetecken räknas bort. "
                    "Chattboten kan inte skilja dem åt.",
                    "Bestäm vilken intent frågan hör till och ta bort den andra raden.",
                )
    exact = {e.text.strip().lower(): e for e in p.holdout}
    near = {fold(e.text): e for e in p.holdout}
    for e in p.examples:
        h = exact.get(e.text.strip().lower())
        if h:
            yield error(
                "holdout-leak",
                e.file,
                e.line,
                f"«{e.text}» finns ordagrant i testsetet tests/nlu_holdout.yml (rad {h.line}), som aldrig "
                "får användas för träning – då mäter testet inte längre något.",
                "Ta bort raden här, eller skriv en egen formulering med samma innebörd.",
            )
        elif fold(e.text) in near:
            h = near[fold(e.text)]
            yield warning(
                "holdout-near",
                e.file,
                e.line,
                f"«{e.text}» är nästan samma som «{h.text}» i testsetet tests/nlu_holdout.yml "
                f"(rad {h.line}); bara å/ä/ö, stora bokstäver eller skiljetecken skiljer.",
                "Skriv en egen formulering i stället – testsetet ska vara frågor chattboten inte tränat på.",
            )


def check_dialogue(p: Project) -> Iterable[Issue]:
    """Intents and actions in rules and stories exist."""
    from rasa.shared.core.constants import DEFAULT_ACTION_NAMES, DEFAULT_INTENTS

    if not p.doc("domain.yml").ok:
        return
    intents = set(p.domain_intents) | set(DEFAULT_INTENTS)
    keys = p.retrieval_keys
    actions = (
        set(p.domain.get("actions") or [])
        | set(DEFAULT_ACTION_NAMES)
        | p.response_names()
        | {"utter_" + k.split("/")[0] for k in keys}
        | set((p.domain.get("forms") or {}).keys())
    )
    for s in p.steps:
        if s.kind == "intent":
            base = s.name.split("/")[0]
            if base not in intents:
                yield error(
                    "story-intent",
                    s.file,
                    s.line,
                    f"«{s.block}» använder intenten «{s.name}», som inte finns i domain.yml.",
                    "Rätta stavningen (jämför med listan intents: i domain.yml), "
                    f"eller lägg till «  - {base}» där och exempel i data/nlu/.",
                )
            elif "/" in s.name and s.name not in keys:
                yield error(
                    "story-intent",
                    s.file,
                    s.line,
                    f"«{s.block}» använder «{s.name}», men ingen fråga i data/nlu har det namnet.",
                    f"Rätta namnet, eller lägg till ett block «- intent: {s.name}» med exempel i data/nlu/.",
                )
        elif s.name not in actions:
            yield error(
                "story-action",
                s.file,
                s.line,
                f"«{s.block}» använder «{s.name}», som inte är något svar eller någon åtgärd i domain.yml.",
                "Rätta stavningen, eller skriv svaret under responses: (FAQ-svar i data/responses/faq.yml).",
            )


def _words(text: str) -> int:
    return len(text.split("Källa:")[0].split())


def _payload_intent(payload: str) -> Optional[str]:
    if not isinstance(payload, str) or not payload.startswith("/"):
        return None
    return re.split(r"[{@]", payload[1:], maxsplit=1)[0].strip()


def _check_payloads(p: Project, buttons: Iterable[dict], file: str, line: Optional[int]) -> Iterator[Issue]:
    from rasa.shared.core.constants import DEFAULT_INTENTS

    intents = set(p.domain_intents) | set(DEFAULT_INTENTS)
    for b in buttons:
        name = _payload_intent(b.get("payload"))
        if name is None:
            continue
        if name.split("/")[0] not in intents or ("/" in name and name not in p.retrieval_keys):
            yield error(
                "button",
                file,
                line,
                f"Knappen «{b.get('title')}» skickar «/{name}», som inte är någon känd intent eller fråga.",
                "Rätta payload till en intent i domain.yml eller en fråga i data/nlu, t.ex. /faq/law.",
            )


def check_answers(p: Project) -> Iterable[Issue]:
    """FAQ answers exist, have a source and the contract's facts; numbers are known; length."""
    keys = p.retrieval_keys
    by_name = defaultdict(list)
    for r in p.responses:
        by_name[r.name].append(r)
    for key in sorted(keys):
        faq_file = f"data/responses/{key.split('/')[0]}.yml"
        if f"utter_{key}" not in by_name:
            file, line = p.intent_lines.get(key, ("data/nlu", None))
            yield error(
                "faq-without-answer",
                file,
                line,
                f"Frågan «{key}» har exempel men inget svar.",
                f"Skriv svaret under responses: i {faq_file} som «utter_{key}:» med «- text: \"…\"» "
                "och en sista rad «Källa: https://…».",
            )
    names = contract.intent_names(p.root)
    for r in p.responses:
        text = r.text + " " + " ".join(str(b.get("title", "")) for b in r.buttons)
        faq = r.name.startswith(tuple(f"utter_{i}/" for i in RETRIEVAL_INTENTS))  # faq/…, myth/…
        if faq and r.name[len("utter_") :] not in keys:
            yield warning(
                "answer-without-question",
                r.file,
                r.line,
                f"Svaret «{r.name}» har ingen fråga: inget block «- intent: {r.name[6:]}» i data/nlu.",
                f"Lägg till exempel för «{r.name[6:]}» i data/nlu/, eller ta bort svaret.",
            )
        if not r.text.strip():
            yield error(
                "empty-answer", r.file, r.line, f"Svaret «{r.name}» har ingen text.", "Skriv svaret efter «- text:»."
            )
            continue
        if faq:
            source = SOURCE_LINE.search(r.text)
            if not source:
                yield error(
                    "source",
                    r.file,
                    r.line,
                    f"Svaret «{r.name}» saknar källa.",
                    "Avsluta texten med en tom rad och «Källa: https://…» (\\n\\nKälla: https://…), "
                    f"med adressen (source) ur posten i {contract.REGISTRY_FILE}. Varje fakta behöver en källa.",
                )
        intent = r.name[len("utter_") :] if faq else next((i for i, n in RESPONSE_FOR.items() if n == r.name), None)
        if intent in names:
            missing = contract.missing_facts(intent, text, p.root)
            if missing:
                yield error(
                    "must-say",
                    r.file,
                    r.line,
                    f"Svaret «{r.name}» saknar det som kontraktet kräver: {', '.join(missing)}.",
                    f"Skriv in uppgiften ordagrant i svaret (se must_say i {contract.CONTRACT_FILE}).",
                )
        words = _words(r.text)
        if words > WORD_LIMIT:
            yield error(
                "length",
                r.file,
                r.line,
                f"Svaret «{r.name}» har {words} ord; riktlinjen är högst ca {WORD_GUIDELINE} och testerna "
                f"underkänner över {WORD_LIMIT}.",
                "Korta svaret: en sak per svar, korta meningar.",
            )
        elif words > WORD_GUIDELINE:
            yield warning(
                "length",
                r.file,
                r.line,
                f"Svaret «{r.name}» har {words} ord (riktlinje: högst ca {WORD_GUIDELINE}).",
                "Korta svaret om det går: en sak per svar, korta meningar.",
            )
        yield from _check_payloads(p, r.buttons, r.file, r.line)


def _leaves(data: Any, path: Tuple = ()) -> Iterator[Tuple[Tuple, Any]]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _leaves(v, path + (i,))
    else:
        yield path, data


def check_messages(p: Project) -> Iterable[Issue]:
    """content/messages.yml: numbers from the registry, placeholders the code knows, length, buttons."""
    rel = "content/messages.yml"
    doc = p.doc(rel)
    if not isinstance(doc.data, dict):
        return
    for path, value in _leaves(doc.data):
        if not isinstance(value, str):
            continue
        line = doc.line(*path)
        where = ".".join(map(str, path))
        if path and path[-1] == "payload":
            parent = doc.data
            for step in path[:-1]:
                parent = parent[step]
            yield from _check_payloads(p, [parent], rel, line)
            continue
        bad = sorted({m for m in PLACEHOLDER.findall(value) if m not in KNOWN_PLACEHOLDERS})
        if bad:
            yield error(
                "placeholder",
                rel,
                line,
                f"Texten «{where}» har platshållare som koden inte fyller i: {', '.join('{' + b + '}' for b in bad)}.",
                "Använd bara platshållarna som listas överst i content/messages.yml (PLATSHÅLLARE), "
                "och skriv dem med klammerparenteser: {place}.",
            )
        words = len(PLACEHOLDER.sub("x", value).split())
        if words > WORD_GUIDELINE:
            yield warning(
                "length",
                rel,
                line,
                f"Texten «{where}» har {words} ord (riktlinje: högst ca {WORD_GUIDELINE}).",
                "Korta texten: en sak per meddelande, korta meningar.",
            )


def _entry_line(doc: yamlfile.Doc, message: str) -> Optional[int]:
    """Line of "post 3 …, fält 'area.counties'" in a registry message from bot.domain.resources."""
    m = re.match(r"post (\d+)", message)
    if not m:
        return doc.line("resources")
    index = int(m.group(1)) - 1
    f = re.search(r"fält '([^']+)'", message)
    if f and f.group(1) != "-":
        path = [int(x) if x.isdigit() else x for x in f.group(1).split(".")]
        for cut in range(len(path), 0, -1):
            line = doc.line("resources", index, *path[:cut])
            if line:
                return line
    return doc.line("resources", index)


def _resource_fix(message: str) -> str:
    if "'verified'" in message and "saknar" in message:
        return "Kontrollera posten mot källan (source) och lägg till raden «verified: ÅÅÅÅ-MM-DD» med dagens datum."
    if "'source'" in message and "saknar" in message:
        return "Lägg till «source: https://…» med adressen där uppgifterna står."
    if "verified" in message:
        return "Skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2026-11-27 (dagen du kontrollerade källan)."
    if "kommuner.tsv" in message:
        return "Skriv kommunens eller länets namn exakt som i content/places/kommuner.tsv, med å/ä/ö."
    return "Rätta fältet enligt beskrivningen överst i content/resources.yml (FÄLT)."


def check_resources(p: Project, today: Optional[dt.date] = None) -> Iterable[Issue]:
    """The registry schema, contacts in the fact sheet, and entries not verified for 12 months."""
    from bot.domain import resources

    rel = "content/resources.yml"
    doc = p.doc(rel)
    if not doc.ok or doc.data is None:
        return
    problems = resources.validate(doc.data)
    for message in problems:
        yield error("resource", rel, _entry_line(doc, message), f"Stödresurs: {message}.", _resource_fix(message))
    if problems:
        return
    facts = contract.facts(p.root)
    today = today or dt.date.today()
    for n, e in enumerate(doc.data["resources"]):
        contact = e.get("contact") or {}
        for key in ("phone", "email", "web"):
            value = str(contact.get(key) or "")
            if value and value not in facts:
                yield error(
                    "resource-fact",
                    rel,
                    doc.line("resources", n, "contact", key),
                    f"Stödresurs «{e['id']}»: {key} {value} står inte i faktabladet ({contract.FACTS_FILE}).",
                    "Kontrollera uppgiften mot källan (source). Nya uppgifter förs in i FACTS.md med källa "
                    "innan de används här – be den som sköter faktabladet.",
                )
        verified = dt.date.fromisoformat(e["verified"])
        age = (today - verified).days
        if age > VERIFIED_MAX_DAYS:
            yield warning(
                "resource-old",
                rel,
                doc.line("resources", n, "verified"),
                f"Stödresurs «{e['id']}» kontrollerades senast {e['verified']} (för {age // 30} månader sedan).",
                "Öppna källan (source), kontrollera namn, nummer, öppettider och område, "
                "och skriv dagens datum i verified.",
            )


def check_topics(p: Project) -> Iterable[Issue]:
    rel = "content/topics.yml"
    doc = p.doc(rel)
    if not doc.ok or not p.doc("domain.yml").ok:
        return
    labels = doc.data if isinstance(doc.data, dict) else {}
    contract_names = set(contract.intent_names(p.root))
    for name in sorted(set(p.domain_intents) | p.retrieval_keys):
        label = labels.get(name)
        if not isinstance(label, str) or not label.strip():
            make = error if name in contract_names else warning
            yield make(
                "topic-label",
                rel,
                None,
                f"Intenten «{name}» saknar en svensk etikett (visas i «Menade du …?»).",
                f"Lägg till raden «{name}: Kort fråga som användaren kunde ha skrivit» i {rel}.",
            )


def check_safety(p: Project) -> Iterable[Issue]:
    from bot.domain import safety

    rel = "content/safety.yml"
    doc = p.doc(rel)
    if not doc.ok:
        return
    try:
        safety.load_rules.__wrapped__(str(p.root / rel))
    except (ValueError, TypeError, AttributeError) as err:
        message = str(err).replace(str(p.root) + "/", "")
        section = re.search(r"(phrases|child)\.?(\w*)", message)
        line = doc.line(*[s for s in section.groups() if s]) if section else None
        yield error(
            "safety",
            rel,
            line,
            f"Säkerhetsreglerna går inte att läsa: {message}.",
            "Rätta mönstret (små bokstäver, utan å/ä/ö; tecken som ( ) [ ] ? * + måste komma i par "
            "eller tas bort) och kör make check igen.",
        )


def check_places(p: Project) -> Iterable[Issue]:
    from bot.domain import places

    rel = "content/places/aliases.yml"
    doc = p.doc(rel)
    tsv = p.root / "content/places/kommuner.tsv"
    if not doc.ok or not tsv.exists():
        return
    try:
        places.Gazetteer(places._read_tsv(tsv), doc.data or {})
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        name = re.search(r"'([^']+)' är ingen", str(err))
        line = None
        if name:
            for section in ("kommuner", "län"):
                line = line or doc.line(section, name.group(1))
        yield error(
            "places",
            rel,
            line,
            f"Ortnamnen går inte att läsa: {err}.",
            "Skriv kommunen eller länet exakt som i content/places/kommuner.tsv (med å/ä/ö).",
        )


# ---------------------------------------------------------------- facts, wording and length of answers
YES_NO = re.compile(r"^\W*(ja|nej)\b", re.IGNORECASE)
WRONG_QUOTES = '"«»“„'
REGISTRY_FIX = (
    "Kontrollera uppgiften mot faktabladet (content/facts/FACTS.md och SOURCES.md). Lägg in den i "
    "content/facts.yml (claim, values, source, verified) och skriv den i svaret så som den står i "
    "values – eller ta bort den ur svaret. Nummer och adresser till stödinsatser hör hemma i "
    "content/resources.yml."
)


def _user_texts(p: Project) -> Iterator[Tuple[str, Optional[int], str, str]]:
    """(file, line, what it is, text) for every text a user can see: answers, buttons, messages."""
    for r in p.responses:
        yield r.file, r.line, f"svaret «{r.name}»", r.text
        for b in r.buttons:
            yield r.file, r.line, f"knappen «{b.get('title')}» i «{r.name}»", str(b.get("title") or "")
    rel = "content/messages.yml"
    doc = p.doc(rel)
    if isinstance(doc.data, dict):
        for path, value in _leaves(doc.data):
            if isinstance(value, str) and path and path[-1] != "payload":
                yield rel, doc.line(*path), f"texten «{'.'.join(map(str, path))}»", value


def _known_values(p: Project) -> List[str]:
    """What an answer may state: the fact registry, and the contacts of support services with a source."""
    registry = p.facts_registry
    known = registry.values() + registry.urls()
    for e in p.registry_entries():
        if not e.get("source"):
            continue
        contact = e.get("contact") if isinstance(e.get("contact"), dict) else {}
        known += [str(v) for v in contact.values() if v]
        known += [str(e[k]) for k in ("name", "age", "note", "source") if e.get(k)]
        known += [str(u) for u in e.get("other_sources") or []]
    return known


def check_facts(p: Project) -> Iterable[Issue]:
    """Every number, date, year, percentage, phone number and address in a text is in the registry."""
    known = tuple(_known_values(p))
    for file, line, what, text in _user_texts(p):
        missing = _unbacked(text, known)
        if missing:
            yield error(
                "fact",
                file,
                line,
                f"I {what} finns uppgifter som inte står i faktaregistret ({contract.REGISTRY_FILE}) "
                f"eller i en stödresurs med källa: {', '.join(c.text for c in missing)}.",
                REGISTRY_FIX,
            )


def _registry_line(doc: yamlfile.Doc, message: str) -> Optional[int]:
    m = re.match(r"post (\d+)", message)
    if not m:
        return doc.line("facts")
    index = int(m.group(1)) - 1
    f = re.search(r"fält '([\w]+)", message)
    return (doc.line("facts", index, f.group(1)) if f else None) or doc.line("facts", index)


def check_fact_registry(p: Project, today: Optional[dt.date] = None) -> Iterable[Issue]:
    """content/facts.yml: the schema, dates, and numbers and sources that the fact sheet has."""
    rel = contract.REGISTRY_FILE
    doc = p.doc(rel)
    if not (p.root / rel).exists():
        yield error(
            "facts",
            rel,
            None,
            f"Faktaregistret {rel} saknas.",
            "Återställ filen ur git; varje siffra och länk i svaren ska stå där med källa.",
        )
        return
    if not doc.ok:
        return
    registry = p.facts_registry
    for message in registry.problems:
        yield error(
            "facts",
            rel,
            _registry_line(doc, message),
            f"Faktaregistret: {message}.",
            "Rätta posten enligt beskrivningen överst i content/facts.yml (FÄLT). Datum skrivs "
            "ÅÅÅÅ-MM-DD, adresser med https://.",
        )
    if registry.problems:
        return
    sheet = contract.facts(p.root) + contract.sources(p.root)
    sheet_numbers = fact_registry.numbers_in(sheet)
    today = today or dt.date.today()
    for n, f in enumerate(registry.facts):
        unknown = sorted(fact_registry.numbers_in(" ".join(f["values"])) - sheet_numbers, key=len)
        if unknown:
            yield warning(
                "facts-unsourced",
                rel,
                doc.line("facts", n, "values"),
                f"Faktaregistret, «{f['id']}»: talen {', '.join(unknown)} står inte i faktabladet "
                f"({contract.FACTS_FILE} eller SOURCES.md).",
                "Kontrollera uppgiften mot källan (source). Stämmer den: låt den stå, och be den som "
                "sköter faktabladet att föra in den där.",
            )
        if not f["source"].startswith("http"):
            continue  # a fact about the assistant itself, sourced in the project's documentation
        for key, url in [("source", f["source"])] + [("other_sources", u) for u in f.get("other_sources") or []]:
            if fact_registry.address(url) not in sheet.lower():
                yield warning(
                    "facts-unsourced",
                    rel,
                    doc.line("facts", n, key),
                    f"Faktaregistret, «{f['id']}»: källan {url} står inte i faktabladet "
                    f"({contract.FACTS_FILE} eller SOURCES.md).",
                    "Kontrollera adressen. En ny källa: be den som sköter faktabladet att föra in den.",
                )
        age = (today - dt.date.fromisoformat(f["verified"])).days
        if age > VERIFIED_MAX_DAYS:
            yield warning(
                "facts-old",
                rel,
                doc.line("facts", n, "verified"),
                f"Faktaregistret, «{f['id']}»: kontrollerades senast {f['verified']} (för {age // 30} månader sedan).",
                "Öppna källan (source), kontrollera uppgiften och skriv dagens datum i verified.",
            )


def check_delivery(p: Project) -> Iterable[Issue]:
    """Warnings, never errors, where the delivery folder (contract.DELIVERY_DIR) differs from the copies."""
    for copy, theirs, diff in contract.delivered_changes(p.root):
        shown = "\n".join("    " + d[:160] for d in diff[:8]) + ("\n    …" if len(diff) > 8 else "")
        yield warning(
            "delivery",
            copy,
            None,
            f"Den levererade filen {theirs} skiljer sig från projektets kopia {copy} "
            f"({len(diff)} ändrade rader; - = kopian, + = leveransen):\n{shown}",
            f"Är leveransen nyare: kopiera den oförändrad till {copy} och kör make check igen "
            "(nya intentnamn behöver exempel, svar och etiketter). Projektet läser bara kopian.",
        )


def check_yes_no(p: Project) -> Iterable[Issue]:
    """FAQ answers state the rule instead of opening with "Ja." or "Nej." (questions come both ways)."""
    for r in p.responses:
        m = YES_NO.match(r.text) if "/" in r.name else None
        if m:
            yield error(
                "yes-no",
                r.file,
                r.line,
                f"Svaret «{r.name}» börjar med «{m.group(1)}». Samma svar ges både på «är det lagligt …?» "
                "och «är det olagligt …?», så ett ja eller nej betyder fel sak för hälften av frågorna.",
                "Börja med själva regeln, t.ex. «Att sälja sex är inte ett brott.» i stället för "
                "«Nej, att sälja sex är inte ett brott.»",
            )


def check_quotes(p: Project) -> Iterable[Issue]:
    """Swedish quotation marks ”…” in what users see; not "…", «…» or “…”."""
    for file, line, what, text in _user_texts(p):
        wrong = sorted({c for c in text if c in WRONG_QUOTES})
        if wrong:
            yield error(
                "quotes",
                file,
                line,
                f"I {what} står citattecken av fel sort: {' '.join(wrong)}.",
                "Skriv svenska citattecken, samma tecken (”) på båda sidor: ”Västerås”. Citattecknen "
                "runt hela texten i YAML-filen räknas inte – bara de som står inne i texten.",
            )


def _referral_turns(place) -> Iterator[Tuple[str, list]]:
    from bot.domain import referral, situation

    yield "KAST (action_referral)", referral.for_place(place)
    for name in situation.SITUATIONS:
        yield f"stöd, {name} (action_support)", referral.support(name, place)


# The files bot.domain.referral reads from its content folder; the turns depend on nothing else there.
REFERRAL_FILES = ("messages.yml", "resources.yml", "topics.yml")
_long_turns_seen: Dict[Tuple[Optional[str], ...], Optional[Dict[str, List[Tuple[str, int]]]]] = {}


def _long_turns(folder: Path) -> Optional[Dict[str, List[Tuple[str, int]]]]:
    """Turn -> [(place, words)] over TURN_LIMIT, rendered from the content files in `folder`; None if
    they cannot be rendered. Kept per content of those files (the tests check many copies of them)."""
    from bot.domain import places, referral, resources

    key = tuple(
        (folder / name).read_text(encoding="utf-8") if (folder / name).exists() else None for name in REFERRAL_FILES
    )
    if key in _long_turns_seen:
        return _long_turns_seen[key]
    over: Optional[Dict[str, List[Tuple[str, int]]]] = defaultdict(list)
    try:
        with referral.content_from(folder):
            for place in [*places.municipalities(), *(places.get(c) for c in places.counties())]:
                for turn, replies in _referral_turns(place):
                    words = sum(len(r.text.split()) for r in replies)
                    if words > TURN_LIMIT:
                        over[turn].append((place.name, words))
    except (resources.RegistryError, KeyError, IndexError, TypeError, ValueError, AttributeError):
        over = None  # a broken messages.yml or resources.yml is reported by the other checks
    if len(_long_turns_seen) > 16:
        _long_turns_seen.clear()
    _long_turns_seen[key] = over
    return over


def check_turn_length(p: Project) -> Iterable[Issue]:
    """The referral answer for every municipality and county, all bubbles of the turn: ≤ TURN_LIMIT words."""
    if not p.doc("content/messages.yml").ok or not p.doc("content/resources.yml").ok:
        return
    over = _long_turns(p.root / "content")
    for turn, hits in (over or {}).items():
        hits = sorted(hits, key=lambda h: -h[1])
        listed = ", ".join(f"{name} {words} (+{words - TURN_LIMIT})" for name, words in hits[:12])
        more = f" och {len(hits) - 12} till" if len(hits) > 12 else ""
        yield error(
            "turn-length",
            "content/messages.yml",
            None,
            f"Hänvisningen {turn} blir längre än {TURN_LIMIT} ord (alla meddelanden i samma tur, "
            f"utan knappar) för {len(hits)} orter: {listed}{more}.",
            "Korta texterna som används där (here, serving, in_county, no_contact, about_kast, "
            "situations, none) eller note i content/resources.yml. Kör make check igen.",
        )


def check_campaigns(p: Project) -> Iterable[Issue]:
    """content/campaigns.yml: the schema and dates (`bot.domain.campaigns`), the quick replies' payloads and
    the length of each opener."""
    from bot.domain import campaigns

    rel = "content/campaigns.yml"
    if not (p.root / rel).exists():
        return
    doc = yamlfile.read(p.root, rel, TextDatesLoader)
    yield from doc.issues
    if not doc.ok:
        return
    problems = campaigns.validate(doc.data)
    for message in problems:
        number = re.match(r"kampanj (\d+)", message)
        line = doc.line("campaigns", int(number.group(1)) - 1) if number else None
        yield error(
            "campaign",
            rel,
            line,
            f"Kampanj: {message}.",
            "Rätta fältet enligt beskrivningen överst i content/campaigns.yml (FÄLT) och kör make check igen.",
        )
    if problems:
        return
    for n, campaign in enumerate(doc.data["campaigns"]):
        yield from _check_payloads(p, campaign.get("buttons") or [], rel, doc.line("campaigns", n, "buttons"))
        words = len(campaign["opener"].split())
        if words > WORD_GUIDELINE:
            yield warning(
                "campaign-long",
                rel,
                doc.line("campaigns", n, "opener"),
                f"Öppningsmeddelandet i kampanjen «{campaign['id']}» har {words} ord "
                f"(riktlinje: högst ca {WORD_GUIDELINE}).",
                "Korta texten: den visas först i chatten, ofta i en mobil.",
            )


CHECKS: List[Callable[[Project], Iterable[Issue]]] = [
    check_yaml,
    check_contract,
    check_examples,
    check_dialogue,
    check_answers,
    check_messages,
    check_resources,
    check_topics,
    check_safety,
    check_places,
    check_fact_registry,
    check_facts,
    check_yes_no,
    check_quotes,
    check_turn_length,
    check_delivery,
    check_campaigns,
]


def run(root: Path = ROOT, rasa: bool = True) -> List[Issue]:
    """All findings for the project under `root`; `rasa=False` skips Rasa's own validation."""
    from bot.tools.content.issues import sort_key

    project = load(root)
    issues: List[Issue] = []
    for check in CHECKS:
        issues += list(check(project))
    if rasa:
        from bot.tools.content import rasa_validation

        issues += rasa_validation.run(project, issues)
    unique = list(dict.fromkeys(issues))
    return sorted(unique, key=sort_key)
