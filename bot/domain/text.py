"""Text normalisation shared by the place matcher, the cue detector and the NLU components.

`fold(text)` is the one comparison form: lower case, å/ä→a, ö→o, é→e (every diacritic dropped),
punctuation turned into spaces, runs of space collapsed. `normalize(text)` is the same but keeps
å/ä/ö, so that "Håbo" and "Habo" can still be told apart. For Swedish text both give the same
words; to pair them word by word, fold each word of `normalize(text).split()`.
"""

import re
import unicodedata

# Letters that NFKD does not decompose; Danish/Norwegian keyboards give ø and æ for ö and ä.
_EXTRA = str.maketrans({"ø": "ö", "æ": "ä", "ß": "ss"})
_NON_WORD = re.compile(r"[^\w]+|_")


def normalize(text: str) -> str:
    """Lower case, punctuation → space, single spaces; å/ä/ö are kept."""
    text = unicodedata.normalize("NFC", (text or "").lower()).translate(_EXTRA)
    return " ".join(_NON_WORD.sub(" ", text).split())


def fold(text: str) -> str:
    """Lower case without diacritics or punctuation: "Jönköpings län!" → "jonkopings lan"."""
    decomposed = unicodedata.normalize("NFKD", normalize(text))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())
