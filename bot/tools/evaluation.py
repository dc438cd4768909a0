"""Measure how well a trained model understands messages: held-out accuracy, recall per intent.

Used by the tests (`tests/test_nlu_holdout.py`), `make bench` and the staff report. The intent of a
FAQ message is the full retrieval intent (`faq/law`, `myth/voluntary`), as the contract names it.
"""

import asyncio
import logging
import os
import random
import re
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Tuple

from rasa.shared.nlu.training_data.loading import load_data

from bot.domain.retrieval import full_intent
from bot.paths import ROOT


@dataclass
class Example:
    """One labelled message: text, full intent name and the location value if annotated."""

    text: str
    intent: str
    location: Optional[str] = None


@dataclass
class Report:
    """Predictions against labels, with the figures derived from them."""

    pairs: List[Tuple[Example, str]] = field(default_factory=list)
    parses: List[dict] = field(default_factory=list)  # the raw parse of each message, same order

    @property
    def accuracy(self) -> float:
        return sum(e.intent == p for e, p in self.pairs) / max(len(self.pairs), 1)

    def recall(self) -> Dict[str, float]:
        total, hit = Counter(), Counter()
        for e, p in self.pairs:
            total[e.intent] += 1
            hit[e.intent] += e.intent == p
        return {i: hit[i] / total[i] for i in sorted(total)}

    def precision(self) -> Dict[str, float]:
        predicted, hit = Counter(), Counter()
        for e, p in self.pairs:
            predicted[p] += 1
            hit[p] += e.intent == p
        return {i: hit[i] / predicted[i] for i in sorted(predicted)}

    def f1(self) -> Dict[str, float]:
        r, p = self.recall(), self.precision()
        return {i: (2 * p.get(i, 0) * r[i] / (p.get(i, 0) + r[i]) if p.get(i, 0) + r[i] else 0.0) for i in r}

    @property
    def macro_f1(self) -> float:
        f = self.f1()
        return sum(f.values()) / max(len(f), 1)

    def errors(self) -> List[Tuple[str, str, str]]:
        """(text, expected, predicted) for every wrong prediction."""
        return [(e.text, e.intent, p) for e, p in self.pairs if e.intent != p]

    def confusions(self) -> Dict[Tuple[str, str], int]:
        c: Dict[Tuple[str, str], int] = defaultdict(int)
        for _, expected, predicted in self.errors():
            c[(expected, predicted)] += 1
        return dict(c)


# The buyer's conversation (contract version 2) and the project's own intent beside it.
BUYER_INTENTS = (
    "seeking_to_buy",
    "faq/law_what_counts",
    "faq/procuring",
    "faq/prevalence",
    "faq/caught",
    "faq/caught_records",
    "myth/voluntary",
    "myth/harmless",
    "myth/everyone",
    "myth/helping",
    "not_ready_to_stop",
)
# Sections of the held-out set (tests/nlu_holdout.yml) that get figures of their own.
UNANSWERABLE = "on-topic but unanswerable (out_of_scope)"
NOT_CRISIS = "buyer statements that are not a crisis"
SECTION = re.compile(r"^# -{5,} (?P<name>.+?) -{5,}\s*$")


def load_sections(path: str) -> Dict[str, List[Example]]:
    """The examples of a Rasa NLU file grouped by its section comments
    (`# ---------- the buyer's conversation ----------`), in file order."""
    sections: Dict[str, List[str]] = {}
    name, header = "", []
    for line in Path(path).read_text(encoding="utf-8").splitlines(keepends=True):
        match = SECTION.match(line)
        if match:
            name = match.group("name")
            continue
        if not sections and not line.startswith("- intent"):
            header.append(line)  # version and "nlu:" before the first section
            continue
        sections.setdefault(name, []).append(line)
    grouped = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i, (section, lines) in enumerate(sections.items()):
            part = Path(tmp) / f"part{i}.yml"
            part.write_text("".join(header + lines), encoding="utf-8")
            grouped[section] = load_examples(str(part))
    return grouped


def load_examples(path: str) -> List[Example]:
    """Read a Rasa NLU file (YAML) into labelled examples."""
    examples = []
    for m in load_data(path).intent_examples:
        locations = [e["value"] for e in m.get("entities") or [] if e.get("entity") == "location"]
        examples.append(Example(m.get("text"), m.get_full_intent(), locations[0] if locations else None))
    return examples


class Parser:
    """Parses messages with a trained model archive, in-process (no server)."""

    def __init__(self, model_path: str, log_level: int = logging.WARNING) -> None:
        from rasa.core.agent import Agent
        from rasa.utils.common import configure_logging_and_warnings
        from rasa.utils.log_utils import configure_structlog

        configure_logging_and_warnings(log_level)
        configure_structlog(log_level)

        from bot import rasa_main

        rasa_main.install()  # exactly as the server parses (speed-ups as BOT_SPEEDUPS says)
        self._loop = asyncio.new_event_loop()
        self.agent = Agent.load(model_path)

    def parse(self, text: str) -> dict:
        return self._loop.run_until_complete(self.agent.parse_message(text))

    def evaluate(self, examples: Iterable[Example]) -> Report:
        report = Report()
        for e in examples:
            parse = self.parse(e.text)
            report.pairs.append((e, full_intent(parse)))
            report.parses.append(parse)
        return report


def folds(k: int, seed: int = 42):
    """Stratified folds over data/nlu: yields (train TrainingData, test messages)."""
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = load_data(str(ROOT / "data" / "nlu"))
    by_intent: Dict[str, list] = defaultdict(list)
    for m in data.intent_examples:
        by_intent[m.get_full_intent()].append(m)
    rng = random.Random(seed)
    assignment = []
    for intent in sorted(by_intent):
        msgs = by_intent[intent]
        rng.shuffle(msgs)
        assignment += [(i % k, m) for i, m in enumerate(msgs)]
    for fold in range(k):
        train = [m for f, m in assignment if f != fold]
        test = [m for f, m in assignment if f == fold]
        yield TrainingData(train, entity_synonyms=data.entity_synonyms), test


def train_fold_model(train, target: Path, config: Path = ROOT / "config.yml") -> Path:
    """Train the NLU model of one fold on `train` (TrainingData) and store it as `target` (.tar.gz)."""
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        (data_dir / "nlu.yml").write_text(RasaYAMLWriter().dumps(train), encoding="utf-8")
        for answers in sorted((ROOT / "data" / "responses").glob("*.yml")):
            shutil.copy(answers, data_dir / f"responses_{answers.name}")
        model = train_nlu(str(config), str(data_dir), str(Path(tmp) / "models"), domain=str(ROOT / "domain.yml"))
        shutil.move(model, target)
    return target


def cross_validate(k: int, log: Callable[[str], None] = print) -> Report:
    """k-fold cross-validation over data/nlu with the project's pipeline; all predictions pooled.

    One NLU training per fold, with Rasa's training cache off so that the folds do not push the
    real model's steps out of `.rasa/cache`.
    """
    pairs, parses = [], []
    saved = os.environ.get("RASA_MAX_CACHE_SIZE")
    os.environ["RASA_MAX_CACHE_SIZE"] = "0"
    try:
        for i, (train, test) in enumerate(folds(k)):
            started = time.monotonic()
            with tempfile.TemporaryDirectory() as tmp:
                model = train_fold_model(train, Path(tmp) / "fold.tar.gz")
                fold = Parser(str(model)).evaluate([Example(m.get("text"), m.get_full_intent()) for m in test])
            pairs += fold.pairs
            parses += fold.parses
            log(f"  fold {i + 1}/{k}: accuracy {fold.accuracy:.3f} ({time.monotonic() - started:.0f} s)")
    finally:
        if saved is None:
            os.environ.pop("RASA_MAX_CACHE_SIZE", None)
        else:
            os.environ["RASA_MAX_CACHE_SIZE"] = saved
    return Report(pairs, parses)
