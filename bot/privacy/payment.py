"""Payment card numbers and IBANs in a message, checked with python-stdnum before they count.

- `cards(text)`: 13 to 19 digits, written together or in groups with one kind of separator
  ("4111 1111 1111 1111", "4111-1111-1111-1111", "3782 822463 10005"), beginning with 2–6 (Visa,
  Mastercard, Amex, Diners, JCB, Discover, Maestro, UnionPay) and with a right Luhn check digit
  (`stdnum.luhn`). Lists of amounts or order numbers seldom pass all of that.
- `ibans(text)`: a country code, two check digits and the account, with or without spaces, in
  upper or lower case ("SE45 5000 0000 0583 9825 7466"), valid by `stdnum.iban` (length for the
  country and the mod-97 check). Words after the number ("… 7466 tack") are not part of it.

Both yield (start, end) spans. Only the text is read; no number is looked up anywhere.
"""

from __future__ import annotations

import re
from typing import Iterator, Tuple

from stdnum import iban as _iban
from stdnum import luhn as _luhn
from stdnum.iso7064 import mod_97_10

_SEP = "[ \u00a0\u202f\\-\u2010\u2011\u2012\u2013\u2212]"
_CARD = re.compile(rf"(?<![0-9])[2-6][0-9]{{3}}(?:{_SEP}?[0-9]){{9,15}}(?![0-9])")
_CARD_SEPS = re.compile(_SEP)
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?:[ \u00a0]?[A-Za-z0-9]){10,32}(?![A-Za-z0-9])")


def cards(text: str) -> Iterator[Tuple[int, int]]:
    for m in _CARD.finditer(text):
        number = m.group()
        if len(set(_CARD_SEPS.findall(number))) > 1:
            continue  # "4111 1111-1111 1111" is two numbers, or a phone number and more
        digits = _CARD_SEPS.sub("", number)
        if 13 <= len(digits) <= 19 and _luhn.is_valid(digits):
            yield m.start(), m.end()


def ibans(text: str) -> Iterator[Tuple[int, int]]:
    for m in _IBAN.finditer(text):
        candidate = m.group()
        # the longest prefix ending before a space that is a valid IBAN ("… 7466 tack")
        ends = [len(candidate)] + [i for i in range(len(candidate) - 1, 14, -1) if candidate[i] in " \u00a0"]
        for end in ends:
            compact = candidate[:end].replace(" ", "").replace("\u00a0", "").upper()
            # the mod-97 check first: cheap, and it rules out nearly everything else
            if mod_97_10.is_valid(compact[4:] + compact[:4]) and _iban.is_valid(compact):
                yield m.start(), m.start() + end
                break
