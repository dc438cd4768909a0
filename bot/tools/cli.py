"""The staff command line: `python -m bot <kommando>` (help in Swedish and English: `--help`).

python -m bot check            kontrollera innehållet / check the content (no training)
python -m bot report           rapport för redaktörer / HTML report for staff
python -m bot eval             träffsäkerhet på testsetet / held-out accuracy
python -m bot parse "text"     hur tolkas en mening? / how is a message understood?
python -m bot train            träna om (snabbt, med cache) / retrain (fast, cached)
python -m bot purge --days 30  radera gamla samtal / delete old conversations
python -m bot kampanjer        kampanjsidan: tratten per kampanj / the campaign funnel page
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path
from typing import List, Optional

from bot.paths import ROOT

DEFAULT_MODEL = ROOT / "models" / "current.tar.gz"
HOLDOUT = ROOT / "tests" / "nlu_holdout.yml"
# Thresholds of tests/test_nlu_holdout.py.
MIN_ACCURACY = 0.92


def _quiet() -> None:
    """Keep TensorFlow and Rasa's start-up noise out of what staff read."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    for category in (UserWarning, DeprecationWarning, FutureWarning, PendingDeprecationWarning):
        warnings.filterwarnings("ignore", category=category)
    warnings.showwarning = lambda *args, **kwargs: None  # Rasa resets the filters when it loads a model
    import logging

    logging.basicConfig(level=logging.ERROR, format="%(message)s")
    for name in ("rasa", "tensorflow", "absl", "spacy", "matplotlib"):
        logging.getLogger(name).setLevel(logging.ERROR)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="användning / usage: " if prefix is None else prefix)


def _parser(prog: str, description: str, parent=None, **kwargs) -> argparse.ArgumentParser:
    make = parent.add_parser if parent is not None else argparse.ArgumentParser
    args = dict(description=description, formatter_class=_Formatter, add_help=False, **kwargs)
    if parent is None:
        args["prog"] = prog
    p = make(prog, **args) if parent is not None else make(**args)
    p._positionals.title = "argument / arguments"
    p._optionals.title = "flaggor / options"
    p.add_argument("-h", "--help", action="help", help="visa den här hjälpen / show this help and exit")
    return p


# ---------------------------------------------------------------- commands
def cmd_check(args) -> int:
    from bot.tools.content import checks, printout

    started = time.monotonic()
    issues = checks.run(Path(args.root), rasa=not args.no_rasa)
    seconds = time.monotonic() - started
    if args.json:
        import json

        print(json.dumps([i.as_dict() for i in issues], ensure_ascii=False, indent=2))
    else:
        print(printout.render(issues, show_all=args.all, seconds=seconds))
    return 1 if any(i.is_error for i in issues) else 0


def cmd_report(args) -> int:
    from bot.tools.content import report

    if not args.quick and args.folds < 2:
        print("--folds måste vara minst 2 (or use --snabb / --quick).")
        return 2

    out = report.build(
        out_dir=Path(args.out),
        model=Path(args.model),
        folds=0 if args.quick else args.folds,
        endpoints=Path(args.endpoints),
        trackers=Path(args.trackers) if args.trackers else None,
    )
    print(f"Rapporten är klar: {out}")
    print(f"Öppna den i webbläsaren: file://{out.resolve()}")
    return 0


def _num(value: float, decimals: int = 2) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def _model_or_fail(path: Path) -> Optional[str]:
    if not path.exists():
        print(f"Modellen {path} saknas. Träna först: make train (The model is missing: run make train.)")
        return None
    return str(path)


def cmd_eval(args) -> int:
    from bot.domain.referral import label
    from bot.domain.safety import SAFETY_INTENTS
    from bot.tools.evaluation import Parser, load_examples

    model = _model_or_fail(Path(args.model))
    if not model:
        return 2
    report = Parser(model).evaluate(load_examples(str(args.holdout)))
    recall = report.recall()
    print(f"Testset: {args.holdout} ({len(report.pairs)} meningar som chattboten inte tränat på)")
    print(f"Träffsäkerhet (accuracy): {_num(report.accuracy, 3)}   (krav: minst {_num(MIN_ACCURACY)})")
    print(f"Genomsnittligt F1 per intent (macro F1): {_num(report.macro_f1, 3)}")
    print(
        "Säkerhetsintenterna, recall (krav: 1,00): "
        + ", ".join(f"{i} {_num(recall.get(i, 0))}" for i in SAFETY_INTENTS)
    )
    weakest = sorted(recall.items(), key=lambda kv: kv[1])[:6]
    print("Lägst recall: " + ", ".join(f"{label(i)} ({i}) {_num(r)}" for i, r in weakest))
    errors = report.errors()
    if errors:
        print(f"\nFeltolkade meningar ({len(errors)}): mening → borde vara / blev")
        for text, expected, predicted in errors:
            print(f"  «{text}»\n      borde vara {expected}, blev {predicted}")
        print("\nTips: skriv fler exempel som liknar de feltolkade i data/nlu/ (men kopiera dem inte).")
    ok = report.accuracy >= MIN_ACCURACY and all(recall.get(i, 0) >= 1.0 for i in SAFETY_INTENTS)
    return 0 if ok else 1


def cmd_parse(args) -> int:
    from bot.domain.referral import label
    from bot.domain.retrieval import full_intent
    from bot.tools.evaluation import Parser

    model = _model_or_fail(Path(args.model))
    if not model:
        return 2
    parser = Parser(model)
    for text in args.text:
        result = parser.parse(text)
        name = full_intent(result)
        confidence = (result.get("intent") or {}).get("confidence") or 0.0
        print(f"«{text}»")
        print(f"  tolkas som: {name} – {label(name)} (säkerhet {_num(confidence)})")
        for item in (result.get("intent_ranking") or [])[1:4]:
            print(f"  därefter:   {item['name']} ({_num(item['confidence'])})")
        for entity in result.get("entities") or []:
            print(f"  hittade {entity.get('entity')}: {entity.get('value')}")
    return 0


def cmd_train(args) -> int:
    from bot import rasa_main

    extra = ["--fixed-model-name", "current", "--out", args.out]
    if args.force:
        extra.append("--force")
    if args.finetune:
        extra += ["--finetune", args.finetune, "--epoch-fraction", str(args.epoch_fraction)]
    if args.quiet:
        extra.append("--quiet")
    extra += getattr(args, "rasa_args", [])
    started = time.monotonic()
    try:
        rasa_main.main(["train", *extra])
    except SystemExit as done:
        if done.code:
            return int(done.code) if isinstance(done.code, int) else 1
    print(f"Träningen tog {time.monotonic() - started:.0f} s (training took).")
    return 0


def cmd_campaigns(args) -> int:
    from bot.tools.content import report

    page = report.build_campaigns(Path(args.out), args.db)
    if page is None:
        return 1
    print(f"Kampanjsidan är klar: {page}")
    print(f"Öppna den i webbläsaren: file://{page.resolve()}")
    return 0


def cmd_purge(args) -> int:
    from bot.rasa_plugins.retention import purge  # written by the privacy work; imported only when used

    result = purge(str(args.endpoints), args.days)
    if isinstance(result, int):
        print(f"{result} samtal äldre än {args.days} dagar raderades ({result} conversations deleted).")
    elif result is not None:
        print(f"Rensning klar (done): {result}")
    else:
        print(f"Samtal äldre än {args.days} dagar är raderade (conversations older than {args.days} days deleted).")
    return 0


# ---------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    top = _parser(
        "python -m bot",
        "Verktyg för innehållet i chattboten / tools for the assistant's content.\n\n"
        "Vanligast / most used:\n"
        "  make check    kontrollera innehållet (snabbt) / check the content (fast)\n"
        "  make train    träna om efter en ändring / retrain after an edit\n"
        "  make report   rapport med figurer / report with plots\n\n"
        "Mer / more: CONTENT.md",
    )
    sub = top.add_subparsers(dest="command", metavar="KOMMANDO / COMMAND", title="kommandon / commands")
    sub.required = True

    p = _parser(
        "check",
        "Kontrollera allt innehåll utan att träna: YAML, Rasas kontroll, kontraktet, "
        "källor, telefonnummer, dubbletter, gamla stödresurser, långa svar.\n"
        "Check all content without training. Exit code 1 when there are errors.",
        sub,
        aliases=["kontrollera"],
        help="kontrollera innehållet (snabbt, ingen träning) / check the content (fast, no training)",
    )
    p.add_argument(
        "--alla",
        "--all",
        dest="all",
        action="store_true",
        help="visa alla varningar, inte bara de första / show every warning",
    )
    p.add_argument("--json", action="store_true", help="skriv resultatet som JSON / print JSON")
    p.add_argument(
        "--utan-rasa",
        "--no-rasa",
        dest="no_rasa",
        action="store_true",
        help="hoppa över Rasas egen kontroll (snabbare) / skip Rasa's own validation (faster)",
    )
    p.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_check)

    p = _parser(
        "report",
        "HTML-rapport för redaktörer: korsvalidering per intent, förväxlingar, "
        "förväxlingsmatris och statistik ur samtalen (anonymt, sammanräknat).\n"
        "HTML report for staff: cross-validation per intent, confusions, confusion matrix and "
        "anonymised, aggregated conversation figures.",
        sub,
        aliases=["rapport"],
        help="skapa rapporten results/report/index.html / build the HTML report",
    )
    p.add_argument(
        "--folds",
        "--delar",
        dest="folds",
        type=int,
        default=int(os.environ.get("REPORT_FOLDS", 3)),
        help="antal delar i korsvalideringen (en träning per del; standard 3) / "
        "cross-validation folds (one training each; default 3)",
    )
    p.add_argument(
        "--snabb",
        "--quick",
        dest="quick",
        action="store_true",
        help="ingen korsvalidering: bara testsetet med nuvarande modell (1–3 min) / "
        "no cross-validation: held-out set with the current model only",
    )
    p.add_argument(
        "--modell",
        "--model",
        dest="model",
        default=str(DEFAULT_MODEL),
        help="modellen för testsetet / model for the held-out set",
    )
    p.add_argument(
        "--endpoints",
        default=os.environ.get("RASA_ENDPOINTS", str(ROOT / "endpoints.yml")),
        help="var samtalen sparas (tracker_store) / endpoints file with the tracker store",
    )
    p.add_argument(
        "--samtal",
        "--trackers",
        dest="trackers",
        default=None,
        help="JSON-fil med sparade samtal i stället för databasen / JSON dump of trackers instead",
    )
    p.add_argument(
        "--ut", "--out", dest="out", default=str(ROOT / "results" / "report"), help="mapp för rapporten / output folder"
    )
    p.set_defaults(func=cmd_report)

    p = _parser(
        "eval",
        "Träffsäkerhet på det undanhållna testsetet (tests/nlu_holdout.yml) med nuvarande "
        "modell; listar feltolkade meningar.\nHeld-out accuracy with the current model; lists errors.",
        sub,
        aliases=["utvardera"],
        help="träffsäkerhet på testsetet / held-out accuracy",
    )
    p.add_argument(
        "--modell",
        "--model",
        dest="model",
        default=str(DEFAULT_MODEL),
        help="modellen / the model (models/current.tar.gz)",
    )
    p.add_argument("--testset", "--holdout", dest="holdout", default=str(HOLDOUT), help="testsetet / the held-out set")
    p.set_defaults(func=cmd_eval)

    p = _parser(
        "parse",
        "Visa hur chattboten tolkar en eller flera meningar.\nShow how the assistant understands one or more messages.",
        sub,
        aliases=["tolka"],
        help="hur tolkas en mening? / how is a message understood?",
    )
    p.add_argument("text", nargs="+", help="meningen, inom citattecken / the message, in quotes")
    p.add_argument("--modell", "--model", dest="model", default=str(DEFAULT_MODEL), help="modellen / the model")
    p.set_defaults(func=cmd_parse)

    p = _parser(
        "train",
        "Träna om modellen med Rasas cache: ändrade svarstexter tränar inte om NLU.\n"
        "Retrain with Rasa's cache; an answer text edit does not retrain NLU.\n"
        "Andra flaggor skickas vidare till `rasa train` / other options go to `rasa train` "
        "(t.ex. / e.g. --dry-run, --debug).",
        sub,
        aliases=["trana"],
        help="träna om (snabbt, med cache) / retrain (fast, cached)",
    )
    p.add_argument("--out", default="models", help="mapp för modellen / model folder")
    p.add_argument(
        "--force",
        "--allt",
        dest="force",
        action="store_true",
        help="träna om allt, utan cache / full training without the cache",
    )
    p.add_argument(
        "--finetune",
        default=None,
        metavar="MODELL",
        help="finjustera en tidigare modell (bara nya exempel, inga nya intenter) / "
        "fine-tune an earlier model (new examples only, no new intents)",
    )
    p.add_argument(
        "--epoch-fraction",
        type=float,
        default=0.2,
        help="andel epoker vid finjustering / share of epochs when fine-tuning",
    )
    p.add_argument("--tyst", "--quiet", dest="quiet", action="store_true", help="mindre utskrift / less output")
    p.set_defaults(func=cmd_train)

    p = _parser(
        "purge",
        "Radera sparade samtal som är äldre än N dagar (lagringstid).\n"
        "Delete stored conversations older than N days (retention).",
        sub,
        aliases=["rensa"],
        help="radera gamla samtal / delete old conversations",
    )
    p.add_argument(
        "--days",
        "--dagar",
        dest="days",
        type=int,
        default=int(os.environ.get("RETENTION_DAYS", 30)),
        help="spara samtal så här många dagar (standard: RETENTION_DAYS eller 30) / "
        "keep conversations this many days (default: RETENTION_DAYS or 30)",
    )
    p.add_argument(
        "--endpoints",
        default=os.environ.get("RASA_ENDPOINTS", "endpoints.yml"),
        help="endpoints-filen med tracker_store (standard: RASA_ENDPOINTS eller endpoints.yml) / "
        "endpoints file (default: RASA_ENDPOINTS or endpoints.yml)",
    )
    p.set_defaults(func=cmd_purge)

    p = _parser(
        "kampanjer",
        "Kampanjsidan i rapporten: tratten per kampanj och vecka (öppnade, skrev, frågade "
        "om att sluta eller om lagen, fick hänvisning till KAST, klickade på en kontaktuppgift). "
        "Snabb: ingen modell behövs. Tal under 5 visas som «< 5».\n"
        "The campaign page: the funnel per campaign and week, from the aggregate counters.",
        sub,
        aliases=["campaigns"],
        help="kampanjsidan results/report/kampanjer.html / campaign page",
    )
    p.add_argument(
        "--db",
        default=None,
        help="räknarnas databas (SQLAlchemy-adress; standard: WEB_COUNTS_DB, annars som webbchatten) / "
        "the counters' database (default: as the web front finds it)",
    )
    p.add_argument(
        "--ut", "--out", dest="out", default=str(ROOT / "results" / "report"), help="mapp för sidan / output folder"
    )
    p.set_defaults(func=cmd_campaigns)
    return top


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if rest and args.command not in ("train", "trana"):
        parser.error("okända argument / unrecognized arguments: " + " ".join(rest))
    args.rasa_args = rest  # `train` passes them on to `rasa train` (e.g. --dry-run, --debug)
    if args.command not in ("train", "trana"):
        _quiet()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
