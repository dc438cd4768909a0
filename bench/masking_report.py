"""Masking figures: precision and recall per kind on the labelled set, and throughput.

Run with `python -m bench.masking_report` (or `python bench/masking_report.py`). Prints figures
only; the thresholds are asserted by tests/test_masking.py. Counting rules: bot/tools/masking_evaluation.py.
"""

import argparse
import os
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from bot.privacy import KINDS, mask  # noqa: E402
from bot.tools.masking_evaluation import CASES, evaluate, load_cases  # noqa: E402


def quality(cases) -> None:
    report = evaluate(cases)
    with_pii = sum(1 for c in cases if c.expected)
    print(
        f"labelled set: {len(cases)} messages, {with_pii} with personal data, "
        f"{len(cases) - with_pii} without ({CASES.relative_to(ROOT)})"
    )
    print(f"  {'kind':<13} {'expected':>8} {'found':>6} {'precision':>9} {'recall':>7} {'exact':>6}")
    for kind in KINDS:
        s = report.kinds[kind]
        print(f"  {kind:<13} {s.expected:>8} {s.found:>6} {s.precision:>9.3f} {s.recall:>7.3f} {s.exact:>6}")
    print(f"  {'all':<13} {report.expected:>8} {report.found:>6} {report.precision:>9.3f} {report.recall:>7.3f}")
    print(f"  masked as any kind: {report.masked}/{report.expected} ({report.masked_recall:.3f})")
    if report.forms:
        print(f"  {'form':<19} {'cases':>5} {'expected':>8} {'masked':>6} {'false pos.':>10}")
        for name, f in report.forms.items():
            print(f"  {name:<19} {f.cases:>5} {f.expected:>8} {f.masked:>6} {f.false_positives:>10}")
    for text, span in report.misses:
        print(f"  missed {span.kind} {span.text!r} in {text!r}")
    for text, span in report.false_positives:
        print(f"  false positive {span.kind} {span.text!r} in {text!r}")


def _rate(texts, rounds: int, repeats: int = 5) -> float:
    """Messages per second: the best of `repeats` timings of `rounds` passes over `texts`."""

    def one_run() -> None:
        for _ in range(rounds):
            for text in texts:
                mask(text)

    best = min(timeit.repeat(one_run, number=1, repeat=repeats))
    return rounds * len(texts) / best


def throughput(cases, rounds: int) -> None:
    all_texts = [c.text for c in cases]
    groups = {
        "all labelled messages": all_texts,
        "with personal data": [c.text for c in cases if c.expected],
        "without personal data": [c.text for c in cases if not c.expected],
        "long (about 4 kB each)": [" ".join(all_texts[i : i + 45]) for i in range(0, len(all_texts), 45)],
    }
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(
        f"throughput: one process, best of 5 x {rounds} passes, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs, load average {load}"
    )
    for name, texts in groups.items():
        rate = _rate(texts, rounds)
        print(f"  {name:<24} {rate:>10,.0f} messages/s  ({1e6 / rate:,.0f} µs each)")
    text = "070-174 06 05 anna@x.se 850709-9813 Storgatan 12 hej " * 20_000
    seconds = min(timeit.repeat(lambda: mask(text), number=1, repeat=3))
    print(f"  1 MB of dense personal data: {seconds:.2f} s")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="passes over the set for throughput")
    args = parser.parse_args(argv)
    cases = load_cases()
    quality(cases)
    throughput(cases, args.rounds)


if __name__ == "__main__":
    main()
