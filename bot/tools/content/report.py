"""The staff report (`make report`, `python -m bot report`): an HTML page with plots.

    results/report/index.html   the page (open it in a browser)
    results/report/*.png        the plots (matplotlib, Agg backend)

Two parts:
1. How well the assistant understands questions. With `folds` > 0: k-fold cross-validation over
   data/nlu (the folds of `bot.tools.evaluation.folds`; one NLU training per fold, with Rasa's training cache
   switched off so that the folds do not push the real model's steps out of `.rasa/cache`). Always,
   when a model exists: the held-out set tests/nlu_holdout.yml with the current model. Per intent:
   F1, what it is confused with, the phrasings it gets wrong; and a confusion matrix picture.
2. The conversations (see `bot.tools.content.conversations`): anonymised, aggregated counts only.
3. The campaigns (`kampanjer.html`, also alone with `python -m bot kampanjer`): the funnel per campaign
   and ISO week from the counters of `bot.domain.campaign_counts`, every number below 5 shown as "< 5".
"""

import datetime as dt
import html
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from bot.paths import ROOT
from bot.tools.content import conversations
from bot.tools.evaluation import Parser, Report, load_examples

HOLDOUT = ROOT / "tests" / "nlu_holdout.yml"


# ---------------------------------------------------------------- NLU quality
def cross_validate(k: int, log=print) -> Report:
    """k-fold cross-validation over data/nlu with the project's pipeline; all predictions pooled."""
    from bot.tools import evaluation

    return evaluation.cross_validate(k, log=log)


def per_intent(report: Report) -> List[dict]:
    """One row per intent: F1, precision, recall, count, confused with (top 3), misread phrasings."""
    f1, precision, recall = report.f1(), report.precision(), report.recall()
    total = Counter(e.intent for e, _ in report.pairs)
    confused: Dict[str, Counter] = defaultdict(Counter)
    phrasings: Dict[str, List[Tuple[str, str]]] = defaultdict(list)
    for text, expected, predicted in report.errors():
        confused[expected][predicted] += 1
        phrasings[expected].append((text, predicted))
    rows = [
        dict(
            intent=i,
            f1=f1[i],
            precision=precision.get(i, 0.0),
            recall=recall[i],
            n=total[i],
            confused=confused[i].most_common(3),
            phrasings=phrasings[i][:4],
        )
        for i in f1
    ]
    return sorted(rows, key=lambda r: (r["f1"], r["intent"]))


# ---------------------------------------------------------------- plots
def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False})
    return plt


def plot_f1(rows: List[dict], path: Path, title: str) -> None:
    plt = _plt()
    rows = sorted(rows, key=lambda r: -r["f1"])  # barh draws bottom-up: the weakest ends on top
    height = max(3.0, 0.16 * len(rows) + 1)
    fig, ax = plt.subplots(figsize=(6, height))
    colours = ["#b2182b" if r["f1"] < 0.8 else "#ef8a62" if r["f1"] < 0.9 else "#4d9221" for r in rows]
    ax.barh([r["intent"] for r in rows], [r["f1"] for r in rows], color=colours)
    ax.set_xlim(0, 1)
    ax.axvline(0.9, color="#555", linestyle=":", linewidth=1)
    ax.set_xlabel("F1 (1,0 = alltid rätt)")
    ax.set_title(title)
    ax.tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_confusion(report: Report, path: Path, title: str) -> None:
    import numpy as np

    plt = _plt()
    labels = sorted({e.intent for e, _ in report.pairs} | {p for _, p in report.pairs})
    index = {name: i for i, name in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)))
    for e, p in report.pairs:
        matrix[index[e.intent], index[p]] += 1
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    errors = np.where(np.eye(len(labels), dtype=bool), np.nan, shares)
    size = max(6.0, 0.2 * len(labels) + 2)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(np.where(np.eye(len(labels), dtype=bool), shares, np.nan), cmap="Greys", vmin=0, vmax=2.5)
    ax.imshow(np.where(errors > 0, errors, np.nan), cmap="Reds", vmin=0, vmax=0.5)
    ax.set_xticks(range(len(labels)))
    ax.set_yticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=90, fontsize=6)
    ax.set_yticklabels(labels, fontsize=6)
    ax.set_xlabel("tolkades som")
    ax.set_ylabel("rätt intent")
    ax.grid(which="minor", color="#eee")
    for i in range(len(labels)):
        for j in range(len(labels)):
            if i != j and matrix[i, j]:
                ax.text(j, i, int(matrix[i, j]), ha="center", va="center", fontsize=5, color="black")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_topics(stats: conversations.Stats, labels: Dict[str, str], path: Path, top: int = 8) -> None:
    plt = _plt()
    weeks = stats.weeks
    totals = Counter()
    for counts in stats.per_week.values():
        totals.update(counts)
    main = [i for i, _ in totals.most_common(top)]
    fig, ax = plt.subplots(figsize=(9, 4))
    bottom = [0] * len(weeks)
    colours = plt.get_cmap("tab10").colors
    for n, intent in enumerate(main + ["övrigt"]):
        values = [
            sum(c for i, c in stats.per_week.get(w, {}).items() if i not in main)
            if intent == "övrigt"
            else stats.per_week.get(w, {}).get(intent, 0)
            for w in weeks
        ]
        ax.bar(weeks, values, bottom=bottom, label=labels.get(intent, intent)[:40], color=colours[n % 10])
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_ylabel("frågor")
    ax.set_title("Frågor per ämne och vecka")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_fallback(stats: conversations.Stats, path: Path) -> None:
    plt = _plt()
    weeks = stats.weeks
    rates = [
        100 * stats.fallback_per_week.get(w, (0, 0))[0] / max(stats.fallback_per_week.get(w, (0, 0))[1], 1)
        for w in weeks
    ]
    fig, ax = plt.subplots(figsize=(9, 2.8))
    ax.plot(weeks, rates, marker="o", color="#b2182b")
    ax.set_ylim(0, max(rates + [10]) * 1.2)
    ax.set_ylabel("% ej förstådda")
    ax.set_title("Andel meddelanden som chattboten inte förstod, per vecka")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_referrals(stats: conversations.Stats, path: Path) -> None:
    plt = _plt()
    items = stats.referrals.most_common(15)[::-1]
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.3 * len(items) + 1)))
    ax.barh([name for name, _ in items], [n for _, n in items], color="#2166ac")
    ax.set_xlabel("antal svar som nämnde stödet")
    ax.set_title("Hänvisningar per stödinsats (action_referral, action_support)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ---------------------------------------------------------------- page
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1a1a1a;background:#f6f6f4}
main{max-width:1100px;margin:0 auto;padding:24px 32px;background:#fff}
h1{font-size:1.6rem;margin:0 0 4px} h2{margin-top:2.2rem;border-bottom:2px solid #2d5f8b;padding-bottom:4px}
.meta{color:#555;font-size:.9rem} .cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{flex:1 1 180px;border:1px solid #ddd;border-radius:8px;padding:12px 14px;background:#fafafa}
.card b{display:block;font-size:1.6rem} .card span{color:#555;font-size:.85rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:8px 0}
th,td{border-bottom:1px solid #e2e2e2;padding:5px 6px;text-align:left;vertical-align:top}
th{background:#eef3f8} td.num{text-align:right;white-space:nowrap}
.low{color:#b2182b;font-weight:600} .mid{color:#b35806} .ok{color:#2f6b12}
.note{background:#fff8e1;border-left:4px solid #f0b400;padding:8px 12px;margin:10px 0}
.help{background:#eef6ee;border-left:4px solid #4d9221;padding:8px 12px;margin:10px 0}
img{max-width:100%;border:1px solid #eee} code{background:#f0f0f0;padding:0 3px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:18px;align-items:start}
.todo{border:2px solid #2d5f8b;border-radius:8px;padding:4px 16px 8px;margin:12px 0;background:#f3f7fb}
.todo li{margin:4px 0} h2.first,h3.first{margin-top:.4rem;border:none}
small{color:#666}
"""


def _e(text) -> str:
    return html.escape(str(text))


def _cls(f1: float) -> str:
    return "low" if f1 < 0.8 else "mid" if f1 < 0.9 else "ok"


def _intent_table(rows: List[dict], labels: Dict[str, str]) -> str:
    out = [
        "<table><tr><th>Ämne</th><th>Intent</th><th>F1</th><th>Precision</th><th>Recall</th>"
        "<th>Antal</th><th>Förväxlas med</th><th>Formuleringar som tolkades fel (→ blev)</th></tr>"
    ]
    for r in rows:
        confused = "<br>".join(f"{_e(p)} ×{n}" for p, n in r["confused"]) or "–"
        texts = "<br>".join(f"«{_e(t)}» → {_e(p)}" for t, p in r["phrasings"]) or "–"
        out.append(
            f"<tr><td>{_e(labels.get(r['intent'], ''))}</td><td><code>{_e(r['intent'])}</code></td>"
            f"<td class='num {_cls(r['f1'])}'>{r['f1']:.2f}</td><td class='num'>{r['precision']:.2f}</td>"
            f"<td class='num'>{r['recall']:.2f}</td><td class='num'>{r['n']}</td>"
            f"<td>{confused}</td><td>{texts}</td></tr>"
        )
    out.append("</table>")
    return "\n".join(out)


def _pct(share: float) -> str:
    return f"{100 * share:.1f}\u00a0%".replace(".", ",")


def _todo(rows: List[dict], main: Optional[Report], stats: conversations.Stats, labels: Dict[str, str]) -> List[str]:
    """The few things staff should look at first, as HTML list items."""
    todo = []
    weak = [r for r in rows if r["f1"] < 0.9][:5]
    if weak:
        todo.append(
            "Skriv fler exempel för de svagaste ämnena: "
            + ", ".join(
                f"<b>{_e(labels.get(r['intent'], r['intent']))}</b> (<code>{_e(r['intent'])}</code>, F1 "
                f"{r['f1']:.2f})".replace(".", ",")
                for r in weak
            )
            + "."
        )
    if main:
        pairs = Counter((a, b) for _, a, b in main.errors()).most_common(3)
        if pairs:
            todo.append(
                "Gör skillnaden tydligare i exemplen där ämnen förväxlas: "
                + "; ".join(f"<code>{_e(a)}</code> tas för <code>{_e(b)}</code> ×{n}" for (a, b), n in pairs)
                + "."
            )
    if stats.shown_not_understood:  # only texts written in at least 5 conversations
        top = stats.shown_not_understood.most_common(3)
        todo.append(
            f"{_pct(stats.fallback_rate)} av meddelandena förstods inte. Vanligast: "
            + ", ".join(f"«{_e(t)}» ×{n}" for t, n in top)
            + " – lägg till liknande formuleringar för rätt intent."
        )
    try:
        from bot.tools.content import checks

        old = [i for i in checks.check_resources(checks.load(ROOT)) if i.code == "resource-old"]
        if old:
            todo.append(f"{len(old)} stödinsatser har inte kontrollerats på 12 månader – se <code>make check</code>.")
    except Exception:  # noqa: BLE001 - the report must not fail on a content error; make check reports it
        pass
    return todo


def _labels() -> Dict[str, str]:
    from bot.domain.referral import topics

    labels = {k: str(v) for k, v in (topics() or {}).items()}
    labels.setdefault("nlu_fallback", "Förstod inte")
    return labels


def build(
    out_dir: Path,
    model: Path,
    folds: int = 3,
    endpoints: Path = ROOT / "endpoints.yml",
    trackers: Optional[Path] = None,
    log=print,
    counts_db: Optional[str] = None,
) -> Path:
    """Write the report to `out_dir/index.html` (with its plots, and the campaign page
    kampanjer.html) and return that path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.png"):
        old.unlink()
    labels = _labels()
    started = time.monotonic()

    holdout: Optional[Report] = None
    if model.exists():
        log(f"Testsetet med {model.name} …")
        holdout = Parser(str(model)).evaluate(load_examples(str(HOLDOUT)))
    cv: Optional[Report] = None
    if folds > 1:
        log(f"Korsvalidering med {folds} delar (en träning per del) …")
        cv = cross_validate(folds, log)
    main = cv or holdout
    main_name = f"korsvalidering ({folds} delar, data/nlu)" if cv else "testsetet tests/nlu_holdout.yml"

    log("Samtalen …")
    stats = conversations.from_dump(trackers) if trackers else conversations.from_endpoints(endpoints)

    rows = per_intent(main) if main else []
    todo = _todo(rows, main, stats, labels)
    parts = [
        f"<!doctype html><html lang='sv'><head><meta charset='utf-8'>"
        f"<title>Rapport för redaktörer</title><style>{CSS}</style></head><body><main>",
        "<h1>Rapport för redaktörer – chattboten om sexköp och KAST</h1>",
        f"<p class='meta'>Skapad {dt.datetime.now():%Y-%m-%d %H:%M}. Modell: <code>{_e(model.name)}</code>"
        + (
            f" ({dt.datetime.fromtimestamp(model.stat().st_mtime):%Y-%m-%d %H:%M})"
            if model.exists()
            else " (saknas – kör make train)"
        )
        + f". Förståelse mätt med {_e(main_name)}. Samtal: {_e(stats.source)}.</p>",
    ]
    cards = []
    if holdout:
        cards.append((_pct(holdout.accuracy), "rätt tolkade i testsetet (krav 92 %)"))
    if cv:
        cards.append((f"{cv.macro_f1:.2f}".replace(".", ","), f"genomsnittligt F1, korsvalidering ({folds} delar)"))
    if rows:
        cards.append((str(sum(r["f1"] < 0.9 for r in rows)), f"av {len(rows)} ämnen under F1 0,90"))
    cards.append((str(stats.conversations), "samtal i underlaget"))
    cards.append((_pct(stats.fallback_rate) if stats.user_messages else "–", "av meddelandena förstods inte"))
    parts.append(
        "<div class='cards'>"
        + "".join(f"<div class='card'><b>{_e(v)}</b><span>{_e(t)}</span></div>" for v, t in cards)
        + "</div>"
    )
    if todo:
        parts.append(
            "<div class='todo'><h2 class='first'>Att göra först</h2><ul>"
            + "".join(f"<li>{t}</li>" for t in todo)
            + "</ul></div>"
        )

    # ---- understanding
    parts.append("<h2>Hur väl förstår chattboten frågorna?</h2>")
    if main is None:
        parts.append(
            "<p class='note'>Ingen modell och ingen korsvalidering: kör <code>make train</code> "
            "och sedan <code>make report</code>.</p>"
        )
    else:
        plot_f1(rows, out_dir / "f1.png", f"F1 per intent – {main_name}")
        plot_confusion(main, out_dir / "confusion.png", f"Förväxlingsmatris – {main_name}")
        parts.append(
            "<p class='help'><b>Så läser du:</b> F1 väger ihop hur ofta en fråga känns igen (recall) och hur ofta "
            "chattbotens gissning på ämnet stämmer (precision); 1,00 är perfekt. Ämnen i rött (under 0,80) och "
            "orange (under 0,90) behöver fler och mer varierade exempel i <code>data/nlu/</code> – titta på "
            "formuleringarna som tolkades fel och skriv egna exempel i samma stil (kopiera aldrig från "
            "testsetet). Förväxlas två ämnen ofta är exemplen för lika: gör skillnaden tydlig.</p>"
        )
        pairs = Counter((a, b) for _, a, b in main.errors()).most_common(14)
        confusions = (
            "<table><tr><th>Rätt ämne</th><th>Tolkades som</th><th>Antal</th></tr>"
            + "".join(
                f"<tr><td>{_e(labels.get(a, a))}<br><code>{_e(a)}</code></td><td>{_e(labels.get(b, b))}<br>"
                f"<code>{_e(b)}</code></td><td class='num'>{n}</td></tr>"
                for (a, b), n in pairs
            )
            + "</table>"
            if pairs
            else "<p>Inga förväxlingar.</p>"
        )
        parts.append(
            "<div class='grid'><div><img src='f1.png' alt='F1 per intent, stapeldiagram'></div>"
            f"<div><h3 class='first'>Vanligaste förväxlingarna</h3>{confusions}</div></div>"
        )
        weak = [r for r in rows if r["f1"] < 1.0]
        parts.append(f"<h3>Ämnen med fel ({len(weak)} av {len(rows)}), svagast först</h3>")
        parts.append(_intent_table(weak, labels) if weak else "<p>Alla ämnen tolkades rätt.</p>")
        parts.append(
            "<h3>Förväxlingsmatris</h3><p>Raderna är rätt intent, kolumnerna vad chattboten gissade. "
            "Grå diagonal = rätt. Röda rutor = förväxlingar; siffran är antalet.</p>"
            "<img src='confusion.png' alt='Förväxlingsmatris' class='wide'>"
        )
    if holdout and cv:
        errors = holdout.errors()
        parts.append(f"<h3>Testsetet med nuvarande modell: {_pct(holdout.accuracy)} rätt, {len(errors)} fel</h3>")
        if errors:
            parts.append(
                "<table><tr><th>Mening</th><th>Rätt</th><th>Tolkades som</th></tr>"
                + "".join(
                    f"<tr><td>«{_e(t)}»</td><td><code>{_e(a)}</code></td><td><code>{_e(b)}</code></td></tr>"
                    for t, a, b in errors
                )
                + "</table>"
            )

    # ---- conversations
    parts.append("<h2>Samtalen</h2>")
    parts.append(
        "<p class='help'>Bara sammanräknade siffror, utan användar-id och utan tidpunkter finare än "
        "veckan. Meddelanden som chattboten inte förstod visas maskerade: personnummer, telefonnummer, "
        "e-post, adresser och IP-adresser är ersatta med [personnummer], [telefon] osv.</p>"
    )
    if stats.note:
        parts.append(f"<p class='note'>{_e(stats.note)}</p>")
    if stats.user_messages:
        plot_topics(stats, labels, out_dir / "topics.png")
        plot_fallback(stats, out_dir / "fallback.png")
        parts.append(
            f"<p>{stats.conversations} samtal, {stats.user_messages} meddelanden, "
            f"veckorna {_e(stats.weeks[0])} – {_e(stats.weeks[-1])}.</p>"
        )
        parts.append(
            "<div class='grid'><div><img src='topics.png' alt='Frågor per ämne och vecka'></div>"
            "<div><img src='fallback.png' alt='Andel ej förstådda per vecka'></div></div>"
        )
        if stats.referrals:
            plot_referrals(stats, out_dir / "referrals.png")
            referrals = (
                f"<p>{stats.referral_answers} svar från action_referral och action_support; ett svar "
                "kan nämna flera stödinsatser.</p><img src='referrals.png' alt='Hänvisningar'>"
            )
        else:
            referrals = "<p>Inga hänvisningar i underlaget.</p>"
        shown = stats.shown_not_understood  # only texts written in at least 5 different conversations
        if shown:
            not_understood = (
                "<table><tr><th>Antal</th><th>Meddelande (maskerat)</th><th>Valde sedan</th></tr>"
                + "".join(
                    f"<tr><td class='num'>{n}</td><td>{_e(t)}</td><td>"
                    + (
                        ", ".join(
                            f"{_e(labels.get(i, i))} ×{c}"
                            for i, c in stats.chosen_after.get(t, Counter()).most_common(2)
                        )
                        or "–"
                    )
                    + "</td></tr>"
                    for t, n in shown.most_common(60)
                )
                + "</table>"
            )
        elif stats.not_understood:
            not_understood = (
                f"<p>Inget meddelande förekom i minst {conversations.MIN_CONVERSATIONS} olika samtal "
                "(färre visas inte, av hänsyn till de som skrev).</p>"
            )
        else:
            not_understood = "<p>Inga.</p>"
        parts.append(
            "<div class='grid'><div><h3 class='first'>Hänvisningar till stöd</h3>" + referrals + "</div>"
            f"<div><h3 class='first'>Inte förstått: {stats.fallbacks} av {stats.user_messages} "
            f"meddelanden ({_pct(stats.fallback_rate)})</h3>"
            "<p class='help'>Lägg till liknande formuleringar, med egna ord, som exempel för rätt intent. "
            "«Valde sedan» = ämnet användaren klickade på i «Menade du …?». Bara meddelanden som "
            f"förekommer i minst {conversations.MIN_CONVERSATIONS} olika samtal visas.</p>"
            + not_understood
            + "</div></div>"
        )
        totals = Counter()
        for counts in stats.per_week.values():
            totals.update(counts)
        parts.append(
            "<h3>Frågor per ämne och vecka</h3><table><tr><th>Ämne</th><th>Intent</th>"
            + "".join(f"<th>{_e(w)}</th>" for w in stats.weeks)
            + "<th>Totalt</th></tr>"
            + "".join(
                f"<tr><td>{_e(labels.get(i, ''))}</td><td><code>{_e(i)}</code></td>"
                + "".join(f"<td class='num'>{stats.per_week.get(w, {}).get(i, 0)}</td>" for w in stats.weeks)
                + f"<td class='num'>{n}</td></tr>"
                for i, n in totals.most_common()
            )
            + "</table>"
        )
        if stats.referrals:
            parts.append(
                "<h3>Hänvisningar per stödinsats</h3><table><tr><th>Stödinsats</th><th>Antal svar</th></tr>"
                + "".join(
                    f"<tr><td>{_e(n)}</td><td class='num'>{c}</td></tr>" for n, c in stats.referrals.most_common()
                )
                + "</table>"
            )
    # ---- campaigns
    log("Kampanjerna …")
    parts.append("<h2>Kampanjer</h2>")
    if build_campaigns(out_dir, counts_db, log):
        parts.append(
            "<p>Tratten per kampanj och vecka – öppnade, skrev, frågade om att sluta eller om lagen, "
            "fick hänvisning till KAST, klickade på en kontaktuppgift – finns på en egen sida: "
            "<a href='kampanjer.html'>Kampanjer – vad chatten uppnår</a>.</p>"
        )
    else:
        parts.append("<p class='note'>Kampanjräknarna kunde inte läsas; se docs/campaigns.md.</p>")
    parts.append(
        f"<p class='meta'><small>Skapad av <code>python -m bot report</code> på "
        f"{time.monotonic() - started:.0f} s. Se CONTENT.md.</small></p></main></body></html>"
    )
    page = out_dir / "index.html"
    page.write_text("\n".join(parts), encoding="utf-8")
    return page


# ---------------------------------------------------------------- campaigns (kampanjer.html)
FUNNEL_LABELS = {
    "opened": "Öppnade chatten",
    "wrote": "Skrev",
    "asked": "Frågade om att sluta eller om lagen",
    "referral": "Fick hänvisning till KAST",
    "contact": "Klickade på en kontaktuppgift",
}
OTHER_LABELS = {"safety": "Säkerhetssvar", "exit": "Snabbutgång"}


def _cell(n: int) -> str:
    """A count for the page (HTML): below 5 is "&lt; 5"."""
    from bot.domain.campaign_counts import mask

    return _e(mask(n))


def _share(part: int, whole: int) -> str:
    """Part of whole in per cent, only when both may be shown."""
    from bot.domain.campaign_counts import shown

    if shown(part) is None or shown(whole) is None or not whole:
        return "–"
    return f"{100 * part / whole:.0f}\u00a0%"


def plot_campaign(table, campaign: str, title: str, path: Path, weeks: List[str]) -> None:
    """The funnel of one campaign: one group of bars per step, one bar per week (numbers below 5
    are not drawn; their place says "< 5")."""
    from bot.domain.campaign_counts import FUNNEL, mask, shown

    plt = _plt()
    steps = list(FUNNEL)
    fig, ax = plt.subplots(figsize=(9, 3.3))
    width = 0.8 / max(len(weeks), 1)
    colours = plt.get_cmap("Blues")([0.45 + 0.5 * (i + 1) / len(weeks) for i in range(len(weeks))])
    top = max([table.get(campaign, w, s) for w in weeks for s in steps] + [5])
    for i, week in enumerate(weeks):
        xs = [n + (i - (len(weeks) - 1) / 2) * width for n in range(len(steps))]
        values = [table.get(campaign, week, s) for s in steps]
        heights = [shown(v) or 0 for v in values]
        bars = ax.bar(xs, heights, width * 0.95, color=colours[i], label=week.replace("-W", " v. "))
        for x, bar, value in zip(xs, bars, values):
            label = mask(value)
            ax.text(
                x,
                bar.get_height() + top * 0.015,
                label,
                ha="center",
                va="bottom",
                fontsize=7,
                color="#333" if shown(value) else "#b2182b",
            )
    ax.set_xticks(range(len(steps)))
    ax.set_xticklabels(
        [
            FUNNEL_LABELS[s].replace(" om ", "\nom ", 1) if len(FUNNEL_LABELS[s]) > 22 else FUNNEL_LABELS[s]
            for s in steps
        ],
        fontsize=8,
    )
    ax.set_ylim(0, top * 1.18)
    ax.set_ylabel("samtal")
    ax.set_title(title)
    if len(weeks) > 1:
        ax.legend(fontsize=7, frameon=False, ncol=min(len(weeks), 4))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _campaign_rows(table, campaign: str, weeks: List[str]) -> str:
    from bot.domain.campaign_counts import FUNNEL

    head = (
        "<tr><th>Vecka</th>"
        + "".join(f"<th>{_e(FUNNEL_LABELS[s])}</th>" for s in FUNNEL)
        + "".join(f"<th>{_e(v)}</th>" for v in OTHER_LABELS.values())
        + "<th>Andel som skrev</th>"
        "<th>Andel som klickade</th></tr>"
    )
    rows = []
    for week in weeks + ["Totalt"]:
        value = (
            (lambda m: table.total(campaign, m)) if week == "Totalt" else (lambda m, w=week: table.get(campaign, w, m))
        )
        rows.append(
            f"<tr><td>{_e(week.replace('-W', ' v. '))}</td>"
            + "".join(f"<td class='num'>{_cell(value(s))}</td>" for s in FUNNEL)
            + "".join(f"<td class='num'>{_cell(value(s))}</td>" for s in OTHER_LABELS)
            + f"<td class='num'>{_share(value('wrote'), value('opened'))}</td>"
            + f"<td class='num'>{_share(value('contact'), value('opened'))}</td></tr>"
        )
    return "<table>" + head + "".join(rows) + "</table>"


def campaign_csv(table, names: Dict[str, str]) -> str:
    """The counters as CSV (semicolons, for Swedish spreadsheets), small numbers masked."""
    from bot.domain.campaign_counts import FUNNEL, mask

    metrics = list(FUNNEL) + list(OTHER_LABELS)
    lines = ["kampanj;namn;vecka;" + ";".join(metrics)]
    for campaign in table.campaigns:
        for week in table.weeks(campaign):
            lines.append(
                ";".join(
                    [campaign, names.get(campaign, campaign).replace(";", ","), week]
                    + [mask(table.get(campaign, week, m)).replace("\u00a0", "") for m in metrics]
                )
            )
    return "\n".join(lines) + "\n"


def build_campaign_page(
    out_dir: Path,
    rows,
    book=None,
    source: str = "",
    simulated: bool = False,
    topic_labels: Optional[Dict[str, str]] = None,
) -> Path:
    """Write `out_dir/kampanjer.html` (with its plots and kampanjer.csv) from counter rows
    (campaign, week, metric, n); every number below 5 is shown as "< 5"."""
    from bot.domain import campaigns as campaigns_module
    from bot.domain.campaign_counts import FUNNEL, Table

    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("kampanj-*.png"):
        old.unlink()
    book = book if book is not None else campaigns_module.load()
    names = book.names()
    labels = topic_labels if topic_labels is not None else _labels()
    table = Table.from_rows(rows)
    weeks = table.weeks()
    parts = [
        f"<!doctype html><html lang='sv'><head><meta charset='utf-8'><title>Kampanjer – vad chatten uppnår"
        f"</title><style>{CSS}</style></head><body><main>",
        "<h1>Kampanjer – vad chatten uppnår</h1>",
        f"<p class='meta'>Skapad {dt.datetime.now():%Y-%m-%d %H:%M}. Underlag: {_e(source or 'räknarna')}"
        + (f", veckorna {_e(weeks[0])} – {_e(weeks[-1])}" if weeks else "")
        + ".</p>",
    ]
    if simulated:
        parts.append(
            "<p class='note'><b>Simulerade siffror.</b> Sidan är byggd av "
            "<code>tools/simulate_campaign_week.py</code> från en påhittad vecka, för att visa hur "
            "kampanjsidan ser ut. Inga riktiga samtal ligger bakom siffrorna.</p>"
        )
    parts.append(
        "<p class='help'><b>Så läser du:</b> tratten följer samtalen från en kampanj: hur många som "
        "<i>öppnade</i> chatten, hur många som <i>skrev</i> något, hur många som <i>frågade om att sluta eller "
        "om lagen</i> (eller om KAST), hur många som <i>fick en hänvisning till KAST</i> och hur många som "
        "<i>klickade på ett telefonnummer eller en länk till en stödverksamhet</i> i ett svar. Varje steg räknas "
        "högst en gång per samtal. Siffrorna är bara sammanräknade per kampanj och vecka – inga id, inga "
        "tider finare än veckan och ingen text sparas. Tal under 5 visas som «&lt; 5» och ritas inte, så "
        "att ingen enskild person kan pekas ut. «Utan kampanj» är allt som inte kom via en pågående kampanj "
        "(chattsidan direkt, eller en gammal länk).</p>"
    )
    if not table.cells:
        parts.append(
            "<p class='note'>Inga räknare ännu. När chatten har öppnats från en kampanj visas "
            "tratten här (räknarna sparas var tionde sekund).</p>"
        )
    else:
        parts.append(
            "<h2>Alla kampanjer, hela perioden</h2><p>Tabellen går att markera och klistra in i "
            "en rapport; samma siffror finns i <a href='kampanjer.csv'>kampanjer.csv</a>.</p>"
        )
        head = (
            "<tr><th>Kampanj</th><th>Visas</th>"
            + "".join(f"<th>{_e(FUNNEL_LABELS[s])}</th>" for s in FUNNEL)
            + "<th>Andel som skrev</th><th>Andel som klickade</th></tr>"
        )
        body = []
        for campaign in table.campaigns:
            c = book.get(campaign)
            period = f"{c.starts} – {c.ends}" if c else "–"
            total = lambda m, c=campaign: table.total(c, m)  # noqa: E731
            body.append(
                f"<tr><td>{_e(names.get(campaign, campaign))}<br><code>{_e(campaign)}</code></td>"
                f"<td>{_e(period)}</td>"
                + "".join(f"<td class='num'>{_cell(total(s))}</td>" for s in FUNNEL)
                + f"<td class='num'>{_share(total('wrote'), total('opened'))}</td>"
                + f"<td class='num'>{_share(total('contact'), total('opened'))}</td></tr>"
            )
        parts.append("<table>" + head + "".join(body) + "</table>")
        for n, campaign in enumerate(table.campaigns):
            name = names.get(campaign, campaign)
            recent = table.weeks(campaign)[-8:]
            image = f"kampanj-{n + 1}.png"
            plot_campaign(table, campaign, f"{name} – tratten per vecka", out_dir / image, recent)
            c = book.get(campaign)
            parts.append(
                f"<h2>{_e(name)}</h2><p class='meta'>Id <code>{_e(campaign)}</code>"
                + (f", visas {c.starts} – {c.ends}" if c else "")
                + "</p>"
            )
            parts.append(f"<img src='{image}' alt='Tratten för {_e(name)} per vecka, stapeldiagram'>")
            parts.append(_campaign_rows(table, campaign, table.weeks(campaign)))
            topics = [(t, k) for t, k in table.topics(campaign).items()]
            if topics:
                parts.append(
                    "<details><summary>Frågor per ämne</summary><table><tr><th>Ämne</th><th>Intent</th>"
                    "<th>Frågor</th></tr>"
                    + "".join(
                        f"<tr><td>{_e(labels.get(t, ''))}</td><td><code>{_e(t)}</code></td>"
                        f"<td class='num'>{_cell(k)}</td></tr>"
                        for t, k in topics[:15]
                    )
                    + "</table></details>"
                )
        (out_dir / "kampanjer.csv").write_text(campaign_csv(table, names), encoding="utf-8")
    parts.append(
        "<p class='meta'><small>Skapad av <code>python -m bot kampanjer</code> (ingår i "
        "<code>make report</code>). Se docs/campaigns.md.</small></p></main></body></html>"
    )
    page = out_dir / "kampanjer.html"
    page.write_text("\n".join(parts), encoding="utf-8")
    return page


def build_campaigns(out_dir: Path, counts_db: Optional[str] = None, log=print) -> Optional[Path]:
    """The campaign page from the counters' database (WEB_COUNTS_DB, else as the web front finds it);
    None when counting is off or the database cannot be read (said in the log)."""
    import os

    from bot.domain import campaign_counts

    url = campaign_counts.counts_url(counts_db if counts_db is not None else os.environ.get("WEB_COUNTS_DB", ""))
    if url is None:
        log("Kampanjräknarna är avstängda (WEB_COUNTS_DB=off).")
        return None
    try:
        rows = campaign_counts.read_counts(url)
    except Exception as error:  # noqa: BLE001 – the rest of the report does not depend on it
        log(f"Kampanjräknarna kunde inte läsas ({type(error).__name__}, {campaign_counts.describe_url(url)}).")
        return None
    return build_campaign_page(out_dir, rows, source=campaign_counts.describe_url(url))
