"""NLU figures: held-out accuracy, per-intent recall and precision (the buyer's conversation,
out-of-scope questions, false safety alarms), and 5-fold cross-validation macro F1.

Run with `make bench` (or `python -m bench.nlu [--folds 5] [--skip-cv]`). Prints figures only;
thresholds are asserted by the tests, not here.
"""

import argparse
import json
import time
from collections import Counter

from bot.domain.safety import SAFETY_INTENTS
from bot.paths import ROOT
from bot.tools import evaluation
from bot.tools.evaluation import BUYER_INTENTS, NOT_CRISIS, UNANSWERABLE, Parser, Report, load_examples, load_sections


def holdout(model: str) -> Report:
    path = str(ROOT / "tests" / "nlu_holdout.yml")
    parser = Parser(model)
    report = parser.evaluate(load_examples(path))
    print(
        f"held-out: {len(report.pairs)} messages, intent accuracy {report.accuracy:.3f}, macro F1 {report.macro_f1:.3f}"
    )
    recall, precision, f1 = report.recall(), report.precision(), report.f1()
    print(
        "  safety recall / precision: "
        + ", ".join(f"{i} {recall.get(i, 0):.2f} / {precision.get(i, 0):.2f}" for i in SAFETY_INTENTS)
    )
    buyer = [(e, p) for e, p in report.pairs if e.intent in BUYER_INTENTS]
    print(
        f"  the buyer's conversation: {len(buyer)} messages, accuracy "
        f"{sum(e.intent == p for e, p in buyer) / max(len(buyer), 1):.3f}"
    )
    for i in BUYER_INTENTS:
        print(f"    {i:<22} recall {recall.get(i, 0):.2f}  precision {precision.get(i, 0):.2f}  F1 {f1.get(i, 0):.2f}")
    print(
        f"  out_of_scope (all): recall {recall.get('out_of_scope', 0):.2f}, precision "
        f"{precision.get('out_of_scope', 0):.2f}"
    )
    sections = load_sections(path)
    if UNANSWERABLE in sections:
        section = parser.evaluate(sections[UNANSWERABLE])
        wrong = Counter(p for e, p in section.pairs if p != "out_of_scope")
        print(
            f"  on-topic but unanswerable: {section.accuracy:.2f} answered as out_of_scope "
            f"({len(section.pairs)} messages); instead: " + ", ".join(f"{i} ×{n}" for i, n in wrong.most_common(6))
        )
        # Over-confidence: a topic answer to a question no answer covers, given with a high score.
        sure = sum(
            (parse.get("intent") or {}).get("confidence", 0) >= 0.8
            for (_, p), parse in zip(section.pairs, section.parses)
            if p not in ("out_of_scope", "nlu_fallback")
        )
        print(f"    of these, a topic answer with confidence ≥ 0.8: {sure}")
    if NOT_CRISIS in sections:
        statements = [(e, p) for e, p in parser.evaluate(sections[NOT_CRISIS]).pairs if e.intent not in SAFETY_INTENTS]
        alarms = sum(p in SAFETY_INTENTS for _, p in statements)
        print(f"  buyer statements (shame, anger, reasons) given a safety answer: {alarms} of {len(statements)}")
    weakest = sorted(recall.items(), key=lambda kv: kv[1])[:6]
    print("  lowest recall: " + ", ".join(f"{i} {r:.2f}" for i, r in weakest))
    for text, expected, predicted in report.errors():
        print(f"    {expected:>26} → {predicted:<26} {text[:70]!r}")
    return report


def cross_validate(k: int) -> float:
    started = time.monotonic()
    report = evaluation.cross_validate(k)
    print(
        f"{k}-fold cross-validation: accuracy {report.accuracy:.3f}, macro F1 {report.macro_f1:.3f} "
        f"({time.monotonic() - started:.0f} s)"
    )
    worst = sorted(report.f1().items(), key=lambda kv: kv[1])[:8]
    print("  lowest F1: " + ", ".join(f"{i} {f:.2f}" for i, f in worst))
    top = sorted(report.confusions().items(), key=lambda kv: -kv[1])[:8]
    print("  most confused: " + ", ".join(f"{a}→{b} ×{n}" for (a, b), n in top))
    out = ROOT / "results" / "cv-errors.tsv"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        "".join(f"{e}\t{p}\t{t}\n" for t, e, p in sorted(report.errors(), key=lambda x: (x[1], x[2]))), encoding="utf-8"
    )
    print(f"  every wrong prediction: {out.relative_to(ROOT)} (expected, predicted, text)")
    with (ROOT / "results" / "cv-parses.jsonl").open("w", encoding="utf-8") as f:
        for (example, _), parse in zip(report.pairs, report.parses):
            f.write(json.dumps({"expected": example.intent, "parse": parse}, ensure_ascii=False, default=str) + "\n")
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
