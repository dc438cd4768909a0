"""The short Swedish report of `make check`: errors in full, warnings grouped and shortened."""

from collections import OrderedDict
from typing import Dict, List

from bot.tools.content.issues import Issue

# Swedish heading per kind of finding (code of the check).
HEADINGS: Dict[str, str] = {
    "yaml": "YAML-fel (filen går inte att läsa)",
    "duplicate-key": "Samma namn två gånger i ett avsnitt",
    "contract": "Intentkontraktet",
    "examples-count": "För få exempel",
    "intent-without-examples": "Intenter utan exempel",
    "unknown-intent": "Okända intenter i data/nlu",
    "empty-example": "Tomma exempel",
    "duplicate": "Dubbletter inom en intent",
    "duplicate-folded": "Dubbletter när å/ä/ö, stora bokstäver och skiljetecken räknas bort",
    "conflict": "Samma exempel i två intenter",
    "conflict-folded": "Nästan samma exempel i två intenter",
    "holdout-leak": "Exempel kopierade från testsetet",
    "holdout-near": "Exempel som nästan är kopior av testsetet",
    "story-intent": "Okända intenter i regler och berättelser",
    "story-action": "Okända svar eller åtgärder i regler och berättelser",
    "faq-without-answer": "Frågor utan svar",
    "answer-without-question": "Svar utan fråga",
    "empty-answer": "Tomma svar",
    "source": "Svar utan källa",
    "must-say": "Svar som saknar kontraktets fakta",
    "fact": "Uppgifter som inte står i faktaregistret",
    "facts": "Faktaregistret (content/facts.yml)",
    "facts-unsourced": "Faktaregistret: inte i faktabladet",
    "facts-old": "Faktaregistret: inte kontrollerat på 12 månader",
    "yes-no": "FAQ-svar som börjar med Ja/Nej",
    "quotes": "Fel citattecken",
    "turn-length": "För långa hänvisningar (över 80 ord per tur)",
    "delivery": "Leveransen skiljer sig från projektets kopia",
    "length": "Långa svar och texter (riktlinje: högst ca 80 ord)",
    "button": "Knappar som pekar fel",
    "placeholder": "Okända platshållare i content/messages.yml",
    "resource": "Stödresurser med fel",
    "resource-fact": "Kontaktuppgifter som inte finns i faktabladet",
    "resource-old": "Stödresurser som inte kontrollerats på 12 månader",
    "topic-label": "Intenter utan svensk etikett (content/topics.yml)",
    "safety": "Säkerhetsreglerna (content/safety.yml)",
    "places": "Ortnamnen (content/places/aliases.yml)",
    "rasa": "Rasas kontroll (rasa data validate)",
    "rasa-read": "Rasas kontroll (rasa data validate)",
    "rasa-conflict": "Regler som motsäger varandra",
}


def _groups(issues: List[Issue]) -> "OrderedDict[str, List[Issue]]":
    groups: "OrderedDict[str, List[Issue]]" = OrderedDict()
    for issue in issues:
        groups.setdefault(issue.code, []).append(issue)
    return groups


def render(issues: List[Issue], show_all: bool = False, per_group: int = 8, seconds: float = 0.0) -> str:
    """The report as text. Errors: every one, with the fix. Warnings: `per_group` per kind unless `show_all`."""
    errors = [i for i in issues if i.is_error]
    warnings = [i for i in issues if not i.is_error]
    out = ["Innehållskontroll – make check", "=" * 30]
    if not issues:
        out.append("Allt ser bra ut: inga fel och inga varningar.")
    else:
        out.append(f"{len(errors)} fel och {len(warnings)} varningar.")
    hidden = 0
    if errors:
        out += ["", "FEL – måste rättas (chattboten eller testerna fungerar inte annars):"]
        for code, group in _groups(errors).items():
            out += ["", f"■ {HEADINGS.get(code, code)} ({len(group)})"]
            shown = group if show_all else group[: per_group * 3]
            if len({i.fix for i in group}) == 1 and len(group) > 1:
                out += [f"  {i.where}  {i.what}" for i in shown]
                out.append(f"    Gör så här:  {group[0].fix}")
            else:
                for i in shown:
                    out += [f"  {i.where}", f"    Vad:         {i.what}", f"    Gör så här:  {i.fix}"]
            if len(group) > len(shown):
                hidden += len(group) - len(shown)
                out.append(f"  … och {len(group) - len(shown)} till.")
    if warnings:
        out += ["", "VARNINGAR – bör ses över (stoppar inget):"]
        for code, group in _groups(warnings).items():
            fixes = {i.fix for i in group}
            same_fix = len(fixes) == 1
            out += ["", f"■ {HEADINGS.get(code, code)} ({len(group)})"]
            shown = group if show_all else group[:per_group]
            for i in shown:
                out.append(f"  {i.where}  {i.what}")
                if not same_fix:
                    out.append(f"    Gör så här:  {i.fix}")
            if same_fix:
                out.append(f"    Gör så här:  {group[0].fix}")
            if len(group) > len(shown):
                hidden += len(group) - len(shown)
                out.append(f"  … och {len(group) - len(shown)} till.")
    if hidden:
        out += ["", "Visa alla: .venv/bin/python -m bot check --alla"]
    out.append("")
    timing = f" ({seconds:.1f} s)" if seconds else ""
    if errors:
        out.append(
            f"Resultat: {len(errors)} fel{timing}. Rätta dem och kör `make check` igen. "
            "Förklaringar: CONTENT.md, avsnittet «Meddelanden från make check»."
        )
    else:
        out.append(f"Resultat: inga fel{timing}. Nästa steg: `make train` och sedan `make test`.")
    return "\n".join(out)
