"""Masking of personal data in what users write, before it is stored or logged.

People write to this assistant to confess a crime, describe abuse or say they are in danger. They
must stay anonymous, so a user's message is masked before it reaches a log, a tracker store or an
evaluation file: `mask(text)` replaces personal data with a placeholder naming its kind,

    "ring mig på 070-123 45 67"  →  "ring mig på [telefon]"

Kinds and placeholders: `[personnummer]`, `[telefon]`, `[e-post]`, `[adress]`, `[ip]`, `[kort]`,
`[iban]`, `[användarnamn]`, `[namn]`. `find(text)` returns the spans with their kind (used by the
evaluation and the tests).

Written to get past a pattern
Detection runs on a normalised copy of the message (`normalise.py`): NFKC, every decimal digit as
its ASCII digit (Arabic-Indic "٠٧٠…", Persian "۰۷۰…", fullwidth "０７０…"), invisible format
characters dropped ("070\u200b174…", soft hyphens, bidirectional marks; emoji sequences kept
whole). The spans found are mapped back to the text as written, and it is the original text that
is masked: the message keeps its own letters and script, and the span hides every character the
detector saw, with the invisible ones between them. Returning the normalised text instead would
change what the user wrote outside the personal data (fullwidth letters, joiners in emoji).

What is masked
- personnummer and samordningsnummer: YYYYMMDD-XXXX, YYMMDD-XXXX, YYMMDD+XXXX (100 years or older),
  YYMMDDXXXX, YYYYMMDDXXXX. Written with the dash (or +), a 10/12-digit number is always masked, even
  with a wrong check digit: a user who mistypes their number is still identifiable. Written without
  a separator it is masked only when the date is plausible and the Luhn check digit is right, so
  that order numbers and amounts stay; with one or two spaces or a slash ("850709 1234",
  "850709  1234", "850709/1234") when the date is plausible; with the date in groups
  ("85 07 09 1234", "85-07-09-1234", "1985 07 09 1234") when the date is plausible and either one
  kind of separator runs through or the check digit is right ("2024-05-12 1200" is a date and a
  number).
- phone numbers: Swedish mobile and landline numbers in the usual writings (070-123 45 67,
  0701234567, +46 70 123 45 67, 0046 70…, 08-123 456 78, 031-12 34 56, (08) 12 34 56) and foreign
  numbers written with + or 00. Public support numbers in `allowlist.yml` stay, in any digits.
- e-mail addresses, also written out: "namn(at)domän.se", "namn [at] domän [dot] se",
  "namn at domän dot com", "namn snabel-a domän punkt se". With a bare "at"/"snabel-a" between
  spaces the address must end in a known top-level domain ("gav pengarna at henne" is "åt").
  Public service addresses in `allowlist.yml` stay, however written.
- payment card numbers (13–19 digits beginning with 2–6, right Luhn digit) and IBANs (valid for
  their country), both checked with python-stdnum (`payment.py`).
- usernames: "@anna_s", "@kalle.b92" (an @ with no word before it, at least two characters).
- names after an introduction: "jag heter Anna Svensson", "mitt namn e Kalle", "min kille heter
  Johan" (`names.py`); not "vad heter lagen", "jag heter inget".
- street addresses with a house number: "Storgatan 12", "Drottninggatan 5B", "Kungsvägen 14 C",
  "Vägen 3 lgh 1102", "Per Albin Hanssons väg 41", "Birger Jarlsgatan 5", typed with or without
  å/ä/ö and capitals. The span takes in the given names of a street named after a person, the
  entrance letter, apartment ("lgh 1102"), floor ("3 tr") and a postcode that follows
  ("Storgatan 12, 411 38"); the town before ("i Malmö Kungsgatan 5") or after it stays, because
  the assistant needs the place to refer the user to local help.
- IPv4 and IPv6 addresses.

What is deliberately not masked: years, ages, amounts, times, dates, law references ("6 kap. 11 §",
"SFS 1998:408"), the public support numbers, street names without a house number, and postcodes
on their own (a postcode covers a whole neighbourhood; it is masked only as part of an address).
Not covered at all: names that no introduction announces, Swedish bank account numbers (clearing
and account), registration plates, profile links ("instagram.com/anna_s"), local phone numbers
written without their area code.

`mask` is a pure function: no I/O after import (the allowlist is read once), regular expressions
compiled once, linear in the length of the text, and it never raises on a `str`. It is idempotent:
`mask(mask(x)) == mask(x)`.
"""

from __future__ import annotations

import calendar
import datetime
import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, FrozenSet, Iterator, List, NamedTuple, Optional, Tuple

import yaml
from stdnum import luhn

from bot.privacy.common_words import COMMON_WORDS
from bot.privacy.names import names
from bot.privacy.normalise import normalise
from bot.privacy.payment import cards, ibans

PERSONNUMMER = "personnummer"
TELEFON = "telefon"
EPOST = "e-post"
ADRESS = "adress"
IP = "ip"
KORT = "kort"
IBAN = "iban"
ANVANDARNAMN = "användarnamn"
NAMN = "namn"
KINDS = (PERSONNUMMER, TELEFON, EPOST, ADRESS, IP, KORT, IBAN, ANVANDARNAMN, NAMN)
# When candidate spans overlap, they are masked as one, named by the kind earlier in this tuple:
# an e-mail address can hold a phone number, a personnummer of someone born in 2005 begins like
# an area code, an IBAN can hold a card-like run of digits, and a card number a phone number.
PRIORITY = (EPOST, PERSONNUMMER, IBAN, KORT, IP, TELEFON, ADRESS, ANVANDARNAMN, NAMN)
_RANK = {kind: rank for rank, kind in enumerate(PRIORITY)}

ALLOWLIST_PATH = Path(__file__).resolve().with_name("allowlist.yml")


def placeholder(kind: str) -> str:
    return f"[{kind}]"


class Span(NamedTuple):
    start: int
    end: int
    kind: str
    text: str


@dataclass(frozen=True)
class Allowlist:
    phones: FrozenSet[str]  # digits only, national form ("020505050", "11414")
    emails: FrozenSet[str]  # lower case


def _digits(s: str) -> str:
    return "".join(c for c in s if "0" <= c <= "9")


def load_allowlist(path: Path = ALLOWLIST_PATH) -> Allowlist:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    phones = frozenset(_digits(str(e["number"])) for e in raw.get("phone") or [])
    emails = frozenset(str(e["address"]).strip().lower() for e in raw.get("email") or [])
    return Allowlist(phones, emails)


ALLOWLIST = load_allowlist()

# ---------------------------------------------------------------------------------------------
# Shared pieces
_SP = "[ \u00a0\u202f]"  # space, no-break space, narrow no-break space
_DASH_CHARS = "-\u2010\u2011\u2012\u2013\u2014\u2212"  # hyphen, en/em dash, minus: phones autocorrect
_DASH = f"[{_DASH_CHARS}]"
# Cheap gates, run on the normalised text: numbers, postal addresses and IP addresses need a
# digit (IPv6 at least a colon), e-mail an @ or a written-out "at"/"snabel-a", usernames an @,
# names the words that introduce them.
_DIGIT = re.compile(r"[0-9]")
_AT_WORD_GATE = re.compile(r"at(?<!\wat)(?!\w)")  # begins with the literal: a fast scan
_NAME_WORDS = ("heter", "namn", "kallas", "name", "call")


def _gates(text: str) -> Tuple[bool, bool]:
    """(a written-out "at" may be there, a name may be introduced), from substrings of `text`."""
    low = text.lower()
    spelled_at = "snabel" in low or ("at" in low and _AT_WORD_GATE.search(low) is not None)
    return spelled_at, any(w in low for w in _NAME_WORDS)


# ---------------------------------------------------------------------------------------------
# Personnummer / samordningsnummer
_GSEP = rf"(?:{_SP}|{_DASH})"
_PNR = re.compile(
    rf"(?<![0-9])(?:(?P<date>[0-9]{{6}}|[0-9]{{8}})"
    # 85 07 09, 85-07-09, 1985 07 09, 19 85 07 09
    rf"|(?<![0-9]{_GSEP})(?P<grouped>(?:[0-9]{{2}}{_GSEP}?[0-9]{{2}}|[0-9]{{2}}){_GSEP}[0-9]{{2}}{_GSEP}[0-9]{{2}}))"
    rf"(?:{_SP}?(?P<sep>{_DASH}|\+){_SP}?|{_SP}?(?P<slash>/){_SP}?|(?P<space>{_SP}{{1,2}}))?"
    rf"(?P<serial>[0-9]{{4}})(?![0-9])"
)
_NOT_DIGITS = re.compile(r"[^0-9]+")
_DASHES = re.compile(_DASH)


def _luhn_ok(ten: str) -> bool:
    return luhn.is_valid(ten)


def _date_ok(date: str) -> bool:
    """YYMMDD or YYYYMMDD; day may be +60 (samordningsnummer)."""
    if len(date) == 8:
        year = int(date[:4])
        if not 1870 <= year <= datetime.date.today().year:
            return False
    else:
        year = 2000 + int(date[:2])  # century unknown: a leap year whenever YY % 4 == 0
    month, day = int(date[-4:-2]), int(date[-2:])
    if day > 60:
        day -= 60
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _looks_like_mobile(digits: str) -> bool:
    return len(digits) == 10 and digits[:2] == "07"


def _personnummer(text: str) -> Iterator[Span]:
    for m in _PNR.finditer(text):
        grouped = m.group("grouped")
        date, serial = m.group("date") or _NOT_DIGITS.sub("", grouped), m.group("serial")
        if grouped:
            # "85 07 09 9813", "85-07-09-9813": one kind of separator all through, or the check
            # digit, so that "2024-05-12 1200 personer" stays
            written = m.group()[: m.start("serial") - m.start()]
            one_kind = len({bool(_DASHES.search(sep)) for sep in _NOT_DIGITS.findall(written)}) == 1
            ok = _date_ok(date) and (
                _luhn_ok(date[-6:] + serial) or (one_kind and not _looks_like_mobile(date + serial))
            )
        elif m.group("sep"):
            ok = True  # the written pattern is enough: recall first
        elif m.group("space") or m.group("slash"):
            # "850709 9813", "850709  9813", "850709/9813": a plausible date; a mobile number
            # written like one is left to the phone numbers unless the check digit fits
            ok = _date_ok(date) and (_luhn_ok(date[-6:] + serial) or not _looks_like_mobile(date + serial))
        else:
            ok = _date_ok(date) and _luhn_ok(date[-6:] + serial) and not _looks_like_mobile(date + serial)
        if ok:
            yield Span(m.start(), m.end(), PERSONNUMMER, m.group())


# ---------------------------------------------------------------------------------------------
# Phone numbers
# A run of digit groups joined by single separators; which part of the run is a number is decided
# in Python (_phone_spans), which can also split "15 0701234567" or two numbers in a row.
_PHONE_RUN = re.compile(
    rf"(?<![0-9_+])(?<![0-9][.:,])"
    rf"(?P<plus>\+{_SP}?)?"
    rf"\(?[0-9]+\)?"
    rf"(?:(?:{_SP}?{_DASH}{_SP}?|{_SP}{{1,2}}|(?=\()|(?<=\)))\(?[0-9]+\)?){{0,13}}"
    rf"(?![0-9])"
)
_GROUP = re.compile(r"[0-9]+")
_MAX_DIGITS = 17  # "00" and the 15 digits of the longest international number


def _national(d: str) -> Optional[str]:
    """A Swedish number in national form (leading 0), or None."""
    if d[:1] != "0" or d[1:2] in ("", "0"):
        return None
    if d[:2] == "07":
        return d if len(d) == 10 else None
    return d if 8 <= len(d) <= 10 else None


def _international(d: str) -> Optional[str]:
    """Digits after + or 00."""
    if d[:2] == "46":
        rest = d[2:]
        if rest[:1] == "0":  # "+46 (0)70…" and "+46 070…"
            rest = rest[1:]
        return _national("0" + rest)
    # country code and subscriber number: 9 digits or more (+47 912 34 567); fewer after "00" is
    # more likely an order number ("0012345678")
    if d[:1] in ("", "0") or not 9 <= len(d) <= 15:
        return None
    return "+" + d


def _not_a_phone(groups: List[str], seps: List[str]) -> bool:
    """Dates (01-02-2023) and opening hours (0800-1700) that have a phone's digit count."""
    lens = [len(g) for g in groups]
    if len(lens) == 3 and lens[0] <= 2 and lens[1] <= 2 and lens[2] == 4 and groups[2][:2] in ("19", "20"):
        return True
    if (
        len(groups) == 2
        and len(groups[0]) == len(groups[1]) == 4
        and seps[1].strip()
        and all(int(g[:2]) <= 24 and int(g[2:]) < 60 for g in groups)
    ):
        return True
    return False


def _classify_phone(groups: List[str], seps: List[str], plus: bool) -> Optional[str]:
    if _not_a_phone(groups, seps):
        return None
    d = "".join(groups)
    if plus:
        return _international(d)
    if d[:2] == "00":
        return _international(d[2:])
    if d[:1] == "0":
        return _national(d)
    if len(d) == 11 and d[:3] == "467":  # 46701234567, the + forgotten
        return _national("0" + d[2:])
    return None


def _can_start(head: str) -> bool:
    """Can a number without + begin with these (first three) digits? Saves work on "0 0 0 0"."""
    if head[:2] == "00":
        return head[2:3] not in ("", "0")
    if head[:1] == "0":
        return head[1:2] not in ("", "0")
    return head == "467"


_Reading = Tuple[int, str, bool]  # a number read from a run: (end group, number, plus)


_AREA_CODE_ENDS = frozenset(_DASH_CHARS + ")")


def _marks_area_code(sep: str) -> bool:
    """A dash or closing parenthesis after a group: "070-174 06 05", "(08) 123 45 67"."""
    return not _AREA_CODE_ENDS.isdisjoint(sep)


def _digit_count(groups: List[str], start: int, end: int) -> int:
    return sum(map(len, groups[start:end]))


def _better_start(
    i: int,
    found: _Reading,
    longest: Callable[[int], Optional[_Reading]],
    groups: List[str],
    seps: List[str],
) -> Optional[int]:
    """A later group to read the number from, or None to keep the number `found` at group i.

    The number found at i must not cut one that begins inside it and reaches further, for that
    would leave the end of the other number visible. The later one is read instead, and the
    groups before it stay:
    - an area code is followed by a dash or a ")": a number that runs over one elsewhere than
      after its first group, or stops right before one, has taken the area code of the next
      number ("0101 070-174 06 05", "0100000 070-174 06 05", "0101 (08) 123 45 67");
    - the next group begins a number with more digits ("01 031-100 000"), or with as many and it
      is a mobile number and the one found is not ("0101 070 174 06 05").
    A whole number followed by a stray group stays whole ("070-01 00 000 0").
    """
    j = found[0]
    for k in range(i + 2, min(j + 1, len(seps))):
        if _marks_area_code(seps[k]):
            there = longest(k - 1)
            if there and there[0] > j:
                return k - 1
    later = longest(i + 1) if i + 1 < j else None
    if later and later[0] > j:
        have, other = _digit_count(groups, i, j), _digit_count(groups, i + 1, later[0])
        if other > have or (other == have and _looks_like_mobile(later[1]) and not _looks_like_mobile(found[1])):
            return i + 1
    return None


def _phone_spans(text: str, allow: Allowlist) -> Iterator[Span]:
    for run in _PHONE_RUN.finditer(text):
        base, chars = run.start(), run.group()
        ms = list(_GROUP.finditer(chars))
        groups = [m.group() for m in ms]
        # the separator before each group (before the first: "+", "(" or nothing)
        seps = [chars[: ms[0].start()]] + [chars[ms[k - 1].end() : ms[k].start()] for k in range(1, len(ms))]
        has_plus = run.group("plus") is not None
        n, i = len(groups), 0

        def longest(i: int) -> Optional[_Reading]:
            """(end group, number, plus) of the longest number that starts at group i, or None."""
            j_max, total = i, 0  # the groups from i on that fit in the longest number
            while j_max < n and total + len(groups[j_max]) <= _MAX_DIGITS:
                total += len(groups[j_max])
                j_max += 1
            for plus in (True, False) if (i == 0 and has_plus) else (False,):
                if plus or _can_start("".join(groups[i : i + 3])[:3]):
                    found = next(
                        (
                            (j, number, plus)
                            for j in range(j_max, i, -1)
                            if (number := _classify_phone(groups[i:j], seps[i:j], plus))
                        ),
                        None,
                    )
                    if found:
                        return found
            return None

        while i < n:
            found = longest(i)
            if not found:
                i += 1
                continue
            better = _better_start(i, found, longest, groups, seps)
            if better is not None:
                i = better  # the groups before it stay: they are not part of the number
                continue
            j, number, plus = found
            start = base + (0 if plus else ms[i].start())
            end = base + ms[j - 1].end()
            if not plus and start > 0 and text[start - 1] == "(":
                start -= 1
            if end < len(text) and text[end] == ")" and "(" in text[start:end]:
                end += 1
            if _digits(number) not in allow.phones:
                yield Span(start, end, TELEFON, text[start:end])
            i = j


# ---------------------------------------------------------------------------------------------
# E-mail
# "@", "(at)", "[at]", "{at}", "<at>", "(snabel-a)"; and the bare words " at ", " snabel-a ",
# " snabela " between spaces. Dots: ".", "(dot)", "[punkt]" …, and " dot ", " punkt ".
_AT_WORD = r"(?:at|snabel[- ]?a)"
_DOT_WORD = r"(?:dot|punkt)"
_AT = rf"(?:\s?@\s?|\s?[(\[{{<]\s?{_AT_WORD}\s?[)\]}}>]\s?|\s{{1,2}}(?P<bare_at>{_AT_WORD})\s{{1,2}})"
_DOT = rf"(?:\.|\s?[(\[{{<]\s?{_DOT_WORD}\s?[)\]}}>]\s?|\s{{1,2}}{_DOT_WORD}\s{{1,2}})"
_EMAIL = re.compile(
    rf"(?<![\w.%+\-])[\w.%+\-]{{1,64}}{_AT}[\w\-]{{1,63}}(?:{_DOT}[\w\-]{{1,63}}){{0,8}}"
    rf"{_DOT}(?P<tld>[^\W\d_]{{2,24}})(?!\w)",
    re.I,
)
_SPELLED_AT = re.compile(rf"\s*(?:@|[(\[{{<]\s?{_AT_WORD}\s?[)\]}}>]|(?<=\s){_AT_WORD}(?=\s))\s*", re.I)
_SPELLED_DOT = re.compile(rf"\s*(?:[(\[{{<]\s?{_DOT_WORD}\s?[)\]}}>]|(?<=\s){_DOT_WORD}(?=\s))\s*", re.I)
# With "at" or "snabel-a" as a bare word the address must end in a known top-level domain, so
# that "jag gav pengarna at henne punkt slut" (åt, typed without å) stays.
_TLDS = frozenset(
    """
    se com nu net org info io eu me biz co app dev xyz online
    no dk fi is de fr uk nl be es it pl ch at ee lv lt ru ua tr gr pt ro hu cz sk ie us ca au
""".split()
)


def _canonical_email(written: str) -> str:
    """ "anna at exempel punkt se" → "anna@exempel.se", to compare with the allowlist."""
    return _SPELLED_DOT.sub(".", _SPELLED_AT.sub("@", written, count=1)).lower()


def _emails(text: str, allow: Allowlist) -> Iterator[Span]:
    for m in _EMAIL.finditer(text):
        if m.group("bare_at") and m.group("tld").lower() not in _TLDS:
            continue
        if _canonical_email(m.group()) in allow.emails:
            continue
        yield Span(m.start(), m.end(), EPOST, m.group())


# ---------------------------------------------------------------------------------------------
# Usernames: "@anna_s", "@kalle.b.92" (Instagram, TikTok, X, Snapchat …). An @ with no word
# character before it (so not an e-mail address), then two to thirty letters, digits, "_" or
# "." with at least one letter, not ending in ".".
_HANDLE = re.compile(r"(?<![\w@.+\-])@(?=[\w.]*[^\W\d_])\w[\w.]{0,28}\w(?![\w@])")


def _handles(text: str) -> Iterator[Span]:
    for m in _HANDLE.finditer(text):
        yield Span(m.start(), m.end(), ANVANDARNAMN, m.group())


# ---------------------------------------------------------------------------------------------
# IP addresses
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])"
_IPV4 = re.compile(rf"(?<![0-9.])(?:{_OCTET}\.){{3}}{_OCTET}(?![0-9]|\.[0-9])")
_IPV6_CAND = re.compile(r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,8}(?:\.[0-9]{1,3}){0,3}")
_ASCII_WORD = re.compile(r"[0-9A-Za-z_]")


def _ips(text: str) -> Iterator[Span]:
    for m in _IPV4.finditer(text):
        yield Span(m.start(), m.end(), IP, m.group())
    if ":" not in text:
        return
    for m in _IPV6_CAND.finditer(text):
        s, e = m.start(), m.end()
        before = text[s - 1] if s > 0 and text[s] != ":" else ""
        if _ASCII_WORD.match(before) or (e < len(text) and _ASCII_WORD.match(text[e])):
            continue  # part of a longer word
        # "ip:2001:db8::1": the colon after "ip" belongs to the text, not to the address
        for start in (s, s + 1) if text[s] == ":" else (s,):
            cand = text[start:e]
            try:
                addr = ipaddress.IPv6Address(cand)
            except ValueError:
                continue
            # three filled groups or an embedded IPv4: "10::30" is a mistyped time, not an address
            if sum(1 for g in cand.split(":") if g) >= 3 or addr.ipv4_mapped or "." in cand:
                yield Span(start, e, IP, cand)
            break


# ---------------------------------------------------------------------------------------------
# Street addresses
# Street-name endings. "Strong" ones are street names with any first part ("Ågatan"); "weak" ones
# are also ordinary words or short names and need at least three letters before them.
_STRONG = (
    "gatan",
    "vägen",
    "vagen",
    "gränd",
    "gränden",
    "granden",
    "torget",
    "allén",
    "backen",
    "stigen",
    "platsen",
    "leden",
    "kajen",
    "stråket",
    "straket",
    "esplanaden",
    "promenaden",
    "slingan",
)
_WEAK = (
    "gata",
    "väg",
    "vag",
    "torg",
    "plan",
    "stig",
    "backe",
    "kaj",
    "allé",
    "alle",
    "allen",
    "grand",
    "gången",
    "gangen",
    "ringen",
    "kroken",
    "bryggan",
    "hagen",
    "gärdet",
    "gardet",
    "udden",
    "vallen",
    "lunden",
    "parken",
)
_SUFFIXES = tuple(sorted(_STRONG + _WEAK, key=len, reverse=True))
# A street word on its own, with a house number: "Vägen 3 lgh 1102", "Torget 4".
_DEFINITE = frozenset(
    (
        "gatan",
        "vägen",
        "vagen",
        "gränden",
        "granden",
        "torget",
        "allén",
        "allen",
        "backen",
        "stigen",
        "platsen",
        "leden",
        "kajen",
        "stråket",
        "straket",
        "esplanaden",
        "promenaden",
    )
)
# Words after a genitive: "Sergels torg 12", "Per Albin Hanssons väg 41", "Karl Johans gata 3".
_SEPARATE = frozenset(
    (
        "väg",
        "vag",
        "vägen",
        "vagen",
        "gata",
        "gatan",
        "torg",
        "torget",
        "gränd",
        "grand",
        "allé",
        "alle",
        "backe",
        "stig",
        "kaj",
        "park",
        "plats",
        "plan",
        "gång",
        "gang",
        "strand",
    )
)
_AFTER_NAME = _SEPARATE | _DEFINITE
_COMMON_NOUNS = frozenset(("plan", "plats", "gång", "gang"))  # "husets plan 2"
# Words that come first in a street name: "Stora Nygatan", "Norra vägen", "S:t Eriksgatan".
_PREFIX_WORDS = frozenset(
    (
        "stora",
        "lilla",
        "norra",
        "södra",
        "sodra",
        "östra",
        "ostra",
        "västra",
        "vastra",
        "gamla",
        "nya",
        "övre",
        "ovre",
        "nedre",
        "yttre",
        "inre",
        "sankt",
        "s:t",
        "st",
        "st.",
        "mäster",
        "master",
        "drottning",
        "kung",
        "prins",
    )
)
# Compounds ending like a street that are ordinary words.
_NOT_STREETS = frozenset(
    (
        "motorvägen",
        "motorvagen",
        "halvvägen",
        "halvvagen",
        "cykelvägen",
        "cykelvagen",
        "flygplan",
        "detaljplan",
        "handlingsplan",
        "ingången",
        "ingangen",
        "utgången",
        "utgangen",
        "genomgången",
        "genomgangen",
        "nedgången",
        "nedgangen",
        "uppgången",
        "uppgangen",
        "arbetsplatsen",
        "parkeringsplatsen",
        "brottsplatsen",
        "skidbacken",
        "nöjesparken",
        "nojesparken",
        "stadsparken",
    )
)
# Genitive-looking words that are not names.
_NOT_GENITIVES = frozenset(
    (
        "hans",
        "hennes",
        "dess",
        "deras",
        "vars",
        "ens",
        "oss",
        "ers",
        "mins",
        "tills",
        "annars",
        "alls",
        "stans",
        "hus",
        "kurs",
        "buss",
        "pris",
        "glas",
        "plus",
        "puls",
        "bris",
        "ingens",
        "nagons",
        "någons",
        "varandras",
        "husets",
        "inomhus",
        "utomhus",
        "utomlands",
        "mans",
    )
)
# Capitalised words that begin a sentence or are pronouns, never part of a street name.
_NOT_NAME_WORDS = frozenset(
    (
        "jag",
        "hej",
        "vi",
        "han",
        "hon",
        "de",
        "det",
        "den",
        "i",
        "på",
        "pa",
        "bor",
        "min",
        "mitt",
        "vid",
        "till",
        "från",
        "fran",
        "och",
        "men",
        "ja",
        "nej",
        "hos",
        "om",
        "adress",
        "adressen",
    )
)

_ADDR = re.compile(
    rf"(?<![\w:])(?P<word>[^\W\d_]{{2,40}})"
    rf"(?:{_SP}{{0,2}}(?i:nr\.?|nummer){_SP}?|{_SP}{{0,2}})"
    rf"(?P<num>[0-9]{{1,3}})(?![0-9])"
    rf"(?P<tail>"
    rf"(?:[A-Za-z](?!\w)|{_SP}[A-H](?!\w)|{_SP}[a-h](?!\w))?"  # 5B, 14 C
    rf"(?:{_DASH}[0-9]{{1,3}}(?![0-9])[A-Za-z]?(?!\w))?"  # 12-14
    rf"(?:,?{_SP}*(?i:"
    rf"(?:lgh|lägenhet|lagenhet|lägenhetsnummer|lagenhetsnummer|lägenhetsnr|lagenhetsnr)\.?"
    rf"{_SP}*(?:nr\.?{_SP}*)?[0-9]{{1,4}}(?![0-9])"
    rf"|(?:vån|van|våning|vaning)\.?{_SP}*[0-9]{{1,2}}(?![0-9])"
    rf"|[0-9]{{1,2}}{_SP}?(?:tr|trappor|trappa)(?!\w)\.?"
    rf")){{0,2}}"
    rf"(?:,?{_SP}*[1-9][0-9]{{2}}{_SP}?[0-9]{{2}}(?![0-9])(?!{_SP}?[0-9]))?"  # postcode
    rf")"
)
_APARTMENT = re.compile(r"l[aä]genhet|lgh", re.I)
_AFTER_NUMBER = re.compile(
    rf"{_SP}*(?:[.:][0-9]|(?:gånger|ganger|gång|ggr|år|kr|kronor|sek|timmar|timme|tim|minuter"
    r"|dagar|dag|veckor|vecka|månader|manader|st|stycken|procent|%|km|meter|mil|kg|cm|mm|euro"
    r"|dollar|§|kap"
    r"|januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|nov|dec)(?!\w))",
    re.I,
)
_PREV_WORD = re.compile(r"([^\W\d_][\w:.']*)[ \u00a0]$")
# A word after these is a town, not the first name of a street: "i Malmö Kungsgatan 5".
_PLACE_PREPOSITIONS = frozenset(("i", "från", "fran", "ifrån", "ifran"))
_ADDRESS_WORDS = ("adress", "adressen", "adr")  # "Hemadress Solrosvägen 23"


def _prev_word(text: str, pos: int) -> Optional[Tuple[str, int]]:
    m = _PREV_WORD.search(text, max(0, pos - 41), pos)
    return (m.group(1), m.start(1)) if m else None


def _given_names_before(text: str, pos: int) -> int:
    """Take in up to two names before a street named after a person: "Birger Jarlsgatan",
    "Per Albin Hanssons väg", also typed in lower case ("birger jarlsgatan"); not everyday words
    ("på Jarlsgatan") nor a town after "i" ("i Malmö Kungsgatan 5")."""
    for _ in range(2):
        p = _prev_word(text, pos)
        if not p:
            break
        word, at = p
        low = word.lower()
        if (
            not word.isalpha()
            or low in COMMON_WORDS
            or low in _NOT_NAME_WORDS
            or low in _PREFIX_WORDS
            or low in _NOT_GENITIVES
            or low.endswith(_ADDRESS_WORDS)
        ):
            break
        if not word[0].isupper() and not 3 <= len(word) <= 8:
            break
        before = _prev_word(text, at)
        if before and before[0].lower() in _PLACE_PREPOSITIONS:
            break
        pos = at
    return pos


def _street_start(text: str, start: int, word: str, has_apartment: bool) -> Optional[int]:
    """Where the street name begins, or None if `word` + number is not an address."""
    low = word.lower()
    suffix = next((s for s in _SUFFIXES if low.endswith(s)), None)
    first = len(word) - len(suffix) if suffix else 0
    prev = _prev_word(text, start)

    def extend(pos: int) -> int:
        # take in "Stora", "Norra", "S:t" … before the street word
        for _ in range(2):
            p = _prev_word(text, pos)
            if not p or p[0].lower() not in _PREFIX_WORDS:
                break
            pos = p[1]
        return pos

    if suffix and first > 0:  # compound: Storgatan, Odenplan
        if low in _NOT_STREETS or first < (1 if suffix in _STRONG else 3):
            return None
        if suffix == "allen" and low[first - 1] in "hf":  # hallen, fallen
            return None
        pos = extend(start)
        if pos == start and low[first - 1] == "s":  # a genitive: Birger Jarlsgatan, Karl Johansgatan
            pos = _given_names_before(text, start)
        return pos
    if prev and low in _AFTER_NAME:
        pw = prev[0]
        pl = pw.lower()
        if pl in _PREFIX_WORDS:  # Stora torget, Norra vagen
            return extend(prev[1])
        genitive = len(pw) >= 3 and pl.endswith("s") and pl not in _NOT_GENITIVES
        # a lower-case genitive only before the street words that are not also common nouns
        if genitive and (pw[0].isupper() or (len(pw) >= 5 and low not in _COMMON_NOUNS)):
            return _given_names_before(text, prev[1])  # Per Albin Hanssons väg
    if low in _DEFINITE and (word[0].isupper() or has_apartment):  # Vägen 3 lgh 1102
        return start
    return None


def _addresses(text: str) -> Iterator[Span]:
    for m in _ADDR.finditer(text):
        tail = m.group("tail")
        if not tail.strip() and _AFTER_NUMBER.match(text, m.end("num")):
            continue  # "3 gånger", "10.30", "12 kr", "1 juli"
        start = _street_start(text, m.start("word"), m.group("word"), bool(_APARTMENT.search(tail)))
        if start is not None:
            end = m.end()
            while end > start and text[end - 1] in " ,.\u00a0\u202f":
                end -= 1
            yield Span(start, end, ADRESS, text[start:end])


# ---------------------------------------------------------------------------------------------
def find(text: str, allowlist: Allowlist = ALLOWLIST) -> List[Span]:
    """Personal data in `text`: non-overlapping spans, in order, each with its kind.

    Where candidates of different kinds overlap, their union becomes one span of the kind that
    comes first in PRIORITY, so no part of anything a detector found is left visible.
    """
    if not isinstance(text, str):
        raise TypeError(f"find() takes a str, not {type(text).__name__}")
    norm = normalise(text)
    seen = norm.text
    digit, at, colon = _DIGIT.search(seen) is not None, "@" in seen, ":" in seen
    spelled_at, name_words = _gates(seen)
    if not (digit or at or colon or spelled_at or name_words):
        return []
    candidates: List[Span] = []
    if at or spelled_at:
        candidates += _emails(seen, allowlist)
    if at:
        candidates += _handles(seen)
    if digit:
        candidates += [
            *_personnummer(seen),
            *_phone_spans(seen, allowlist),
            *_addresses(seen),
            *(Span(s, e, KORT, seen[s:e]) for s, e in cards(seen)),
            *(Span(s, e, IBAN, seen[s:e]) for s, e in ibans(seen)),
        ]
    if digit or colon:
        candidates += _ips(seen)
    if name_words:
        candidates += [Span(s, e, NAMN, seen[s:e]) for s, e in names(seen)]
    if norm.changed:  # back to the text as written, whole clusters and the invisible bits between
        candidates = [Span(s, e, c.kind, text[s:e]) for c in candidates for s, e in (norm.original(c.start, c.end),)]
    candidates.sort(key=lambda c: (c.start, _RANK[c.kind]))
    spans: List[Span] = []
    for c in candidates:
        if spans and c.start < spans[-1].end:
            last = spans[-1]
            end = max(last.end, c.end)
            kind = min(last.kind, c.kind, key=_RANK.__getitem__)
            spans[-1] = Span(last.start, end, kind, text[last.start : end])
        else:
            spans.append(c)
    return spans


def _mask_once(text: str, allowlist: Allowlist) -> str:
    spans = find(text, allowlist)
    if not spans:
        return text
    out, pos = [], 0
    for s in spans:
        out.append(text[pos : s.start])
        out.append(placeholder(s.kind))
        pos = s.end
    out.append(text[pos:])
    return "".join(out)


def mask(text: str, allowlist: Allowlist = ALLOWLIST) -> str:
    """`text` with personal data replaced by a placeholder per kind ("[personnummer]", "[telefon]" …).

    Runs until nothing more is found, so that the result is stable even where a placeholder
    changes what is around a number. Spans never include a placeholder's brackets, so every pass
    shortens the unmasked text and the loop ends (in practice after one pass, or two).
    """
    if not isinstance(text, str):
        raise TypeError(f"mask() takes a str, not {type(text).__name__}")
    while True:
        masked = _mask_once(text, allowlist)
        if masked == text:
            return masked
        text = masked
