"""Names of people where a message introduces someone: "jag heter Anna Svensson", "mitt namn e Kalle".

`names(text)` yields the (start, end) of each name found after an introduction:

- "jag heter", "heter jag", "mitt namn är/ar/e/:", "namnet är", "jag kallas (för)", "kalla mig",
  "my name is", "I'm called", "call me";
- somebody else's: "han/hon/hen heter", "min kille heter", "hennes pappa heter" (a possessive and
  one word before "heter"), because the person who buys, sells or abuses is named as often as
  the writer.

The name is the next word and up to two more: "Anna Svensson", "anna svensson", "Anna-Karin",
"anna_s92" (a word that begins with a letter).
It ends at punctuation, at a digit and at an everyday word (`common_words.py`: "jag heter anna och
…"); a first word that is an everyday word ("jag heter inget", "mitt namn är hemligt", "vad jag
heter men …") is no name at all. "Vad heter lagen" has no introduction and is left alone. Names
elsewhere in a message are not recognised: there is no list of names, and a name on its own looks
like any other word.
"""

from __future__ import annotations

import re
from typing import Iterator, Tuple

from bot.privacy.common_words import COMMON_WORDS

_INTRO = re.compile(
    r"(?<![^\W\d_])(?:"
    r"(?:jag|ja|jaa)\s+(?:heter|hetter|hete|heeter)"
    r"|heter\s+jag"
    r"|(?:mitt|mit|hennes|hans|hens|min)\s+(?:namn|name)\s*(?:(?:är|ar|e|ä|va|var|is)(?![^\W\d_])|[:=])"
    r"|namnet\s+(?:är|ar|e|ä)(?![^\W\d_])"
    r"|jag\s+kallas(?:\s+för|\s+for)?"
    r"|kalla\s+mig"
    r"|my\s+name\s+is|my\s+name's|i'?m\s+called|call\s+me"
    r"|(?:han|hon|hen)\s+(?:heter|hetter|kallas)"
    r"|(?:min|mitt|mina|hans|hennes|hens|vår|var|deras|dens)\s+[^\W\d_]{2,20}\s+(?:heter|hetter|kallas)"
    r")(?:(?<=[:=])|(?![^\W\d_]))[ \t\u00a0]*:?[ \t\u00a0]*",
    re.I,
)
_WORD = re.compile(r"[^\W\d_][\w]*(?:-[^\W\d_][\w]*)*(?![\w@])")  # Anna, Anna-Karin, anna_s92
_GAP = re.compile(r"[ \t\u00a0]{1,2}")
_FILLERS = frozenset(("typ", "alltså", "alltsa", "asså", "assa", "ju", "faktiskt", "egentligen", "väl", "val", "nog"))
MAX_WORDS = 3


def _capitalised(word: str) -> bool:
    return word[0].isupper() and not (len(word) > 1 and word.isupper())


def names(text: str) -> Iterator[Tuple[int, int]]:
    for intro in _INTRO.finditer(text):
        pos = intro.end()
        first = _WORD.match(text, pos)
        if first and first.group().lower() in _FILLERS:  # "jag heter typ Anna"
            gap = _GAP.match(text, first.end())
            first = _WORD.match(text, gap.end()) if gap else None
        if not first or len(first.group()) < 2:
            continue
        word = first.group()
        if word.lower() in COMMON_WORDS and not (_capitalised(word) and word.lower() in ("hans", "per")):
            continue
        start, end = first.start(), first.end()
        lower_case = not _capitalised(word)
        for _ in range(MAX_WORDS - 1):
            gap = _GAP.match(text, end)
            nxt = _WORD.match(text, gap.end()) if gap else None
            if not nxt:
                break
            w = nxt.group()
            if w.lower() in COMMON_WORDS or len(w) < 2:
                break
            if not _capitalised(w) and not lower_case:  # "Anna bor …": a lower-case word after a capital
                break
            end = nxt.end()
        yield start, end
