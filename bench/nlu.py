"""NLU figures: held-out accuracy, per-intent recall, and 5-fold cross-validation macro F1.

Run with `make bench` (or `python -m bench.nlu [--folds 5] [--skip-cv]`). Prints figures only;
thresholds are asserted by the tests, not here.
"""
import argparse
import random
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.evaluation import Parser, Report, load_examples
from bot.safety import SAFETY_INTENTS

ROOT = Path(__file__).resolve().parent.parent


def holdout(model: str) -> Report:
    report = Parser(model).evaluate(load_examples(str(ROOT / "tests" / "nlu_holdout.yml")))
    print(f"held-out: {len(report.pairs)} messages, intent accuracy {report.accuracy:.3f}, macro F1 {report.macro_f1:.3f}")
    recall = report.recall()
    print("  safety recall: " + ", ".join(f"{i} {recall.get(i, 0):.2f}" for i in SAFETY_INTENTS))
    weakest = sorted(recall.items(), key=lambda kv: kv[1])[:6]
    print("  lowest recall: " + ", ".join(f"{i} {r:.2f}" for i, r in weakest))
    for text, expected, predicted in report.errors():
        print(f"    {expected:>26} → {predicted:<26} {text[:70]!r}")
    return report


def folds(k: int, seed: int = 42):
    """Stratified folds over data/nlu: yields (train TrainingData, test examples)."""
    data = load_data(str(ROOT / "data" / "nlu"))
    by_intent = defaultdict(list)
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


def cross_validate(k: int) -> float:
    from rasa.model_training import train_nlu
    from bot.evaluation import Example

    pairs = []
    started = time.monotonic()
    for i, (train, test) in enumerate(folds(k)):
        with tempfile.TemporaryDirectory() as tmp:
            data_dir = Path(tmp) / "data"
            data_dir.mkdir()
            (data_dir / "nlu.yml").write_text(RasaYAMLWriter().dumps(train), encoding="utf-8")
            shutil.copy(ROOT / "data" / "responses" / "faq.yml", data_dir / "responses.yml")
            model = train_nlu(str(ROOT / "config.yml"), str(data_dir), str(Path(tmp) / "models"),
                              domain=str(ROOT / "domain.yml"))
            examples = [Example(m.get("text"), m.get_full_intent()) for m in test]
            fold_report = Parser(model).evaluate(examples)
            pairs += fold_report.pairs
            print(f"  fold {i + 1}/{k}: accuracy {fold_report.accuracy:.3f}")
    report = Report(pairs)
    print(f"{k}-fold cross-validation: accuracy {report.accuracy:.3f}, macro F1 {report.macro_f1:.3f} "
          f"({time.monotonic() - started:.0f} s)")
    worst = sorted(report.f1().items(), key=lambda kv: kv[1])[:8]
    print("  lowest F1: " + ", ".join(f"{i} {f:.2f}" for i, f in worst))
    top = sorted(report.confusions().items(), key=lambda kv: -kv[1])[:8]
    print("  most confused: " + ", ".join(f"{a}→{b} ×{n}" for (a, b), n in top))
    return report.macro_f1


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--model", default=str(ROOT / "models" / "current.tar.gz"))
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--skip-cv", action="store_true")
    args = p.parse_args()
    holdout(args.model)
    if not args.skip_cv:
        cross_validate(args.folds)


if __name__ == "__main__":
    main()
