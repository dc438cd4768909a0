"""Precision and recall of the masking on a labelled set (tests/data/masking_cases.yml).

Shared by tests/test_masking.py (thresholds) and bench/masking_report.py (figures).

Counting, per kind:
- recall: an expected span counts as found when spans of the same kind found by `find` cover it
  completely (a longer span, e.g. an address with its postcode, still counts);
- precision: a found span counts as right when it overlaps an expected span of the same kind;
- "masked" (all kinds together): an expected span is masked when found spans of any kind cover it,
  which is what matters for anonymity; a personnummer taken for a phone number is still masked.

Per form (the optional `form` of a case: "unicode-digits", "email-spelled", "negative" …): cases,
expected spans, spans masked (any kind) and spans found that were not expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Tuple

import yaml

from bot.paths import ROOT
from bot.privacy.masking import KINDS, Span, find

CASES = ROOT / "tests" / "data" / "masking_cases.yml"


@dataclass
class Case:
    text: str
    expected: List[Span]
    form: Optional[str] = None


def load_cases(path: Path = CASES) -> List[Case]:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    cases = []
    for n, item in enumerate(raw["cases"]):
        text = item["text"]
        expected: List[Span] = []
        for kind, substrings in (item.get("pii") or {}).items():
            if kind not in KINDS:
                raise ValueError(f"case {n}: unknown kind {kind!r}; kinds: {KINDS}")
            seen: Dict[str, int] = {}
            for sub in substrings:
                start = -1
                for _ in range(seen.get(sub, 0) + 1):
                    start = text.find(sub, start + 1)
                if start < 0:
                    raise ValueError(f"case {n}: {sub!r} is not in {text!r}")
                seen[sub] = seen.get(sub, 0) + 1
                expected.append(Span(start, start + len(sub), kind, sub))
        cases.append(Case(text, sorted(expected), item.get("form")))
    return cases


def _covered(span: Span, found: Iterable[Span]) -> bool:
    chars = set(range(span.start, span.end))
    for f in found:
        chars -= set(range(f.start, f.end))
    return not chars


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


@dataclass
class KindScore:
    expected: int = 0
    found: int = 0
    recalled: int = 0  # expected spans covered by found spans of this kind
    correct: int = 0  # found spans overlapping an expected span of this kind
    exact: int = 0  # found spans with exactly the expected boundaries

    @property
    def recall(self) -> float:
        return self.recalled / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0


@dataclass
class FormScore:
    cases: int = 0
    expected: int = 0
    masked: int = 0  # expected spans covered by found spans of any kind
    false_positives: int = 0  # found spans that overlap no expected span of their kind

    @property
    def masked_recall(self) -> float:
        return self.masked / self.expected if self.expected else 1.0


@dataclass
class Report:
    kinds: Dict[str, KindScore] = field(default_factory=lambda: {k: KindScore() for k in KINDS})
    forms: Dict[str, FormScore] = field(default_factory=dict)  # cases with a `form` only
    masked: int = 0  # expected spans covered by found spans of any kind
    misses: List[Tuple[str, Span]] = field(default_factory=list)  # (text, expected span)
    false_positives: List[Tuple[str, Span]] = field(default_factory=list)  # (text, found span)

    @property
    def expected(self) -> int:
        return sum(s.expected for s in self.kinds.values())

    @property
    def found(self) -> int:
        return sum(s.found for s in self.kinds.values())

    @property
    def precision(self) -> float:
        found = self.found
        return sum(s.correct for s in self.kinds.values()) / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.expected
        return sum(s.recalled for s in self.kinds.values()) / expected if expected else 1.0

    @property
    def masked_recall(self) -> float:
        return self.masked / self.expected if self.expected else 1.0


def evaluate(cases: Iterable[Case], finder: Callable[[str], List[Span]] = find) -> Report:
    report = Report()
    unused = FormScore()
    for case in cases:
        found = finder(case.text)
        form = report.forms.setdefault(case.form, FormScore()) if case.form else unused
        form.cases += 1
        for e in case.expected:
            score = report.kinds[e.kind]
            score.expected += 1
            form.expected += 1
            same = [f for f in found if f.kind == e.kind]
            if _covered(e, same):
                score.recalled += 1
            else:
                report.misses.append((case.text, e))
            if _covered(e, found):
                report.masked += 1
                form.masked += 1
        for f in found:
            score = report.kinds[f.kind]
            score.found += 1
            hits = [e for e in case.expected if e.kind == f.kind and _overlaps(e, f)]
            if hits:
                score.correct += 1
                score.exact += any((e.start, e.end) == (f.start, f.end) for e in hits)
            else:
                report.false_positives.append((case.text, f))
                form.false_positives += 1
    return report
