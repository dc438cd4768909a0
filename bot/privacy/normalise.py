"""Normalisation of a message before personal data is looked for in it, with a map back.

People (and copy-paste) write numbers in ways a pattern over ASCII digits does not see:
fullwidth digits ("０７０…"), Arabic-Indic and Persian digits ("٠٧٠…", "۰۷۰…"), digits split by
zero-width or other invisible characters ("070\u200b174…"), keycap emoji ("0️⃣7️⃣0️⃣…").
`normalise(text)` returns a copy in which, per grapheme cluster,

- NFKC is applied (fullwidth and other compatibility forms become plain ones, "a" + combining
  ring becomes "å");
- format characters and other default-ignorable ones (U+200B, U+200C, U+200D, U+2060, U+FEFF,
  U+00AD, bidirectional marks, variation selectors …) and enclosing marks (the keycap U+20E3) are
  dropped;
- every decimal digit becomes its ASCII digit;

except emoji clusters, which are kept whole: the zero-width joiner inside "👩‍👧" and the like is
part of the emoji, not a trick.

The copy is for detection only. `Normalised.original(start, end)` maps a span of the copy back to
the span of the original text that produced it, always taking in whole original clusters, so that
masking the original span hides every character the detector saw (and the invisible characters
between them). Text that needs none of this (ASCII, or already NFKC without such characters) is
returned as it is, without a copy; that is almost every message.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from typing import Dict, List, Tuple

import regex

# Characters that NFKC leaves alone but that must still go or change.
_IRREGULAR = regex.compile(r"[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Me}]|(?![0-9])\p{Nd}")
_DROP = regex.compile(r"[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Me}]+")
_DIGIT = regex.compile(r"(?![0-9])\p{Nd}")
_EMOJI = regex.compile(r"\p{Extended_Pictographic}")
# A run of non-ASCII characters with the character before it (a combining mark's base).
_RUN = regex.compile(r"[\x00-\x7f]?[^\x00-\x7f]+", regex.DOTALL)
_CLUSTER = regex.compile(r"\X", regex.DOTALL)
# What can make NFKC join characters (combining marks, Hangul jamo) or stands for nothing.
_JOINING = regex.compile(
    r"[\p{M}\p{Cf}\p{Default_Ignorable_Code_Point}\p{Extended_Pictographic}"
    r"\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff]"
)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")  # the standard module is faster here
_MARKS_AND_JAMO = regex.compile(r"[\p{M}\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff]")
_PLAIN: Dict[str, bool] = {}  # character → needs nothing (å, ä, ö, é, emoji …); filled as met
_PLAIN_MAX = 4096


def _plain(ch: str) -> bool:
    """NFKC keeps `ch` and it joins with nothing, stands for nothing and is no digit."""
    known = _PLAIN.get(ch)
    if known is None:
        known = unicodedata.normalize("NFKC", ch) == ch and not _IRREGULAR.match(ch) and not _MARKS_AND_JAMO.match(ch)
        if len(_PLAIN) < _PLAIN_MAX:
            _PLAIN[ch] = known
    return known


def _ascii_digit(m: "regex.Match[str]") -> str:
    return str(unicodedata.decimal(m.group()))


def _clean(cluster: str) -> str:
    if cluster.isascii() or _EMOJI.search(cluster):
        return cluster
    out = _DROP.sub("", unicodedata.normalize("NFKC", cluster))
    return out if out.isascii() else _DIGIT.sub(_ascii_digit, out)


class Normalised:
    """The normalised text and the changed stretches: normalised [n_start, n_end) came from
    original [o_start, o_end). Between stretches the two texts are the same, shifted."""

    __slots__ = ("text", "_n_starts", "_n_ends", "_o_starts", "_o_ends")

    def __init__(
        self, text: str, n_starts: List[int], n_ends: List[int], o_starts: List[int], o_ends: List[int]
    ) -> None:
        self.text = text
        self._n_starts, self._n_ends = n_starts, n_ends
        self._o_starts, self._o_ends = o_starts, o_ends

    @property
    def changed(self) -> bool:
        return bool(self._n_starts)

    def _at(self, pos: int) -> Tuple[int, int]:
        """The original span of the normalised character at `pos`."""
        i = bisect_right(self._n_starts, pos) - 1
        if i < 0:
            return pos, pos + 1
        if pos < self._n_ends[i]:
            return self._o_starts[i], self._o_ends[i]
        shifted = pos - self._n_ends[i] + self._o_ends[i]
        return shifted, shifted + 1

    def original(self, start: int, end: int) -> Tuple[int, int]:
        """The original span for the normalised span [start, end) (end > start)."""
        if not self._n_starts:
            return start, end
        return self._at(start)[0], self._at(end - 1)[1]


def normalise(text: str) -> Normalised:
    if text.isascii() or all(_plain(ch) for ch in set(_NON_ASCII.findall(text))):
        return Normalised(text, [], [], [], [])
    out: List[str] = []
    n_starts: List[int] = []
    n_ends: List[int] = []
    o_starts: List[int] = []
    o_ends: List[int] = []
    copied = length = 0  # original text copied up to; length of the normalised text so far
    for run in _RUN.finditer(text):
        chars = run.group()
        if not _JOINING.search(chars):
            # nothing to join or drop: NFKC of the run can only keep or widen characters, so
            # the same length means character for character, and the positions stay
            new = unicodedata.normalize("NFKC", chars)
            if len(new) == len(chars):
                if not new.isascii():
                    new = _DIGIT.sub(_ascii_digit, new)
                if new != chars:
                    start = run.start()
                    out.append(text[copied:start])
                    out.append(new)
                    length += start - copied + len(new)
                    copied = run.end()
                continue
        for m in _CLUSTER.finditer(text, run.start(), run.end()):
            cluster = m.group()
            new = _clean(cluster)
            if new == cluster:
                continue
            start, end = m.span()
            out.append(text[copied:start])
            length += start - copied
            n_starts.append(length)
            o_starts.append(start)
            out.append(new)
            length += len(new)
            n_ends.append(length)
            o_ends.append(end)
            copied = end
    out.append(text[copied:])
    return Normalised("".join(out), n_starts, n_ends, o_starts, o_ends)
