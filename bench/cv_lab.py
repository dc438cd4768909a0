"""Cross-validation lab: train each fold once, then try blends, thresholds and linear models cheaply.

`bot.tools.evaluation.cross_validate` is the one place for the reported figure (`make bench`). Tuning it
that way costs a full training per fold and per idea. This lab keeps the fold models
(`results/cv-lab/<key>/fold<i>.tar.gz`, keyed by config and data) and, for every held-out message
of a fold, the message as it leaves the NLU pipeline's head (tokens, features, DIET's ranking). The
pipeline's tail (LinearBlend, ResponseSelector, TopicBlend, LocationExtractor, FallbackClassifier,
the gates, RetrievalPayload) is then run again on copies with other settings, in seconds.

    python -m bench.cv_lab                 # the config as it is: macro F1, as make bench gives it
    python -m bench.cv_lab --config X.yml  # another config (its own fold models)

Used from Python for experiments: `Lab(config).run(lambda i, fold: {"LinearBlend": other})` runs
every fold with `other` in place of the trained LinearBlend; settings can be changed on
`fold.component("FallbackClassifier")` and the like between runs.
"""

import argparse
import copy
import hashlib
import logging
import os
import re
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from bot.paths import ROOT
from bot.tools import evaluation
from bot.tools.evaluation import Example, Report, full_intent

LAB = ROOT / "results" / "cv-lab"
# The first tail component: everything before it is run once per fold and kept.
TAIL_START = "LinearBlend"


def _key(config: Path, k: int) -> str:
    h = hashlib.sha256()
    h.update(config.read_bytes())
    h.update(str(k).encode())
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")) + sorted((ROOT / "data" / "responses").glob("*.yml")):
        h.update(path.read_bytes())
    for folder in ("rasa_plugins", "domain", "speedups"):
        for path in sorted((ROOT / "bot" / folder).glob("*.py")):
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def train_folds(config: Path, splits: List[Any], log: Callable[[str], None] = print) -> List[Path]:
    """One NLU model per fold of `splits` (bot.tools.evaluation.folds), cached, trained as
    bot.tools.evaluation.cross_validate trains them."""
    k = len(splits)
    out = LAB / _key(config, k)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    os.environ["RASA_MAX_CACHE_SIZE"] = "0"  # the folds must not push the real model out of .rasa/cache
    for i, (train, _) in enumerate(splits):
        target = out / f"fold{i}.tar.gz"
        paths.append(target)
        if not target.exists():
            started = time.monotonic()
            evaluation.train_fold_model(train, target, config)
            log(f"  trained fold {i + 1}/{k} ({time.monotonic() - started:.0f} s)")
    return paths


def pipeline_index(node_name: str) -> int:
    """Rasa names a pipeline component's prediction node `run_<class><index in config.yml>`."""
    match = re.search(r"(\d+)$", node_name)
    return int(match.group(1)) if match else -1


class Fold:
    """A fold model's components, and its held-out messages as they leave the pipeline's head."""

    def __init__(self, model: Path, test: List[Any], parser: Optional[evaluation.Parser] = None) -> None:
        from rasa.shared.nlu.training_data.message import Message

        parser = parser or evaluation.Parser(str(model))
        runner = parser.agent.processor.graph_runner
        nodes = [
            (name, node)
            for name, node in runner._instantiated_nodes.items()
            if name.startswith("run_") and node._fn_name == "process"
        ]
        nodes.sort(key=lambda item: pipeline_index(item[0]))
        self.components = [(name, node._component) for name, node in nodes]
        start = next(i for i, (name, _) in enumerate(self.components) if TAIL_START in name)
        self.head, self.tail = self.components[:start], self.components[start:]
        self.examples = [m if isinstance(m, Example) else Example(m.get("text"), m.get_full_intent()) for m in test]
        messages = [Message.build(text=e.text) for e in self.examples]
        for _, component in self.head:
            messages = component.process(messages)
        self.prepared = messages

    def component(self, part: str) -> Any:
        return next(c for name, c in self.components if part in name)

    def run(self, replace: Optional[Dict[str, Any]] = None) -> List[dict]:
        """Parse results of the held-out messages with the tail, some components replaced."""
        messages = copy.deepcopy(self.prepared)
        for name, component in self.tail:
            for part, other in (replace or {}).items():
                if part in name:
                    component = other
            messages = component.process(messages)
        return [m.as_dict_nlu() for m in messages]


class Lab:
    """All folds of one config, ready for experiments."""

    def __init__(self, config: Path = ROOT / "config.yml", k: int = 5) -> None:
        splits = list(evaluation.folds(k))
        models = train_folds(config, splits)
        self.trains = [train for train, _ in splits]
        self.folds = [Fold(m, test) for m, (_, test) in zip(models, splits)]

    def run(self, replace: Optional[Callable[[int, "Fold"], Dict[str, Any]]] = None) -> Report:
        report = Report()
        for i, fold in enumerate(self.folds):
            parses = fold.run(replace(i, fold) if replace else None)
            for example, parse in zip(fold.examples, parses):
                report.pairs.append((example, full_intent(parse)))
                report.parses.append(parse)
        return report


def summary(report: Report) -> str:
    fallbacks = sum(p == "nlu_fallback" for _, p in report.pairs)
    return (
        f"macro F1 {report.macro_f1:.4f}, accuracy {report.accuracy:.4f}, "
        f"errors {len(report.errors())}, fallbacks {fallbacks}"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--config", default=str(ROOT / "config.yml"))
    p.add_argument("--folds", type=int, default=5)
    args = p.parse_args()
    logging.getLogger().setLevel(logging.WARNING)
    lab = Lab(Path(args.config), args.folds)
    print(summary(lab.run()))


if __name__ == "__main__":
    main()
