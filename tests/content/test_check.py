"""`make check` on broken content: each message names the file, the line and the fix. No training."""

import datetime as dt
import json
import re
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.tools.content import checks
from bot.tools.content.issues import ERROR, WARNING, Issue
from content.conftest import copy_content

ROOT = Path(__file__).resolve().parent.parent.parent


def edit(root: Path, rel: str, old: str, new: str) -> int:
    """Replace the first `old` by `new` in a copied file; returns the 1-based line where `old` started."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def line_of(root: Path, rel: str, needle: str) -> int:
    text = (root / rel).read_text(encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


def examples_of(root: Path, rel: str, intent: str):
    """(line, text) of the examples of `intent` in a copied NLU file."""
    from bot.tools.content import yamlfile

    doc = yamlfile.read(root, rel)
    n = next(i for i, item in enumerate(doc.data["nlu"]) if item.get("intent") == intent)
    return yamlfile.block_lines(doc, doc.node_at("nlu", n, "examples"))


def insert_after_line(root: Path, rel: str, line: int, text: str) -> int:
    """Insert `text` (one line, without newline) after `line`; returns the new line's number."""
    lines = (root / rel).read_text(encoding="utf-8").split("\n")
    lines.insert(line, text)
    (root / rel).write_text("\n".join(lines), encoding="utf-8")
    return line + 1


def edit_answer(root: Path, name: str, change) -> int:
    """Apply `change(text) -> text` to the first text of response `name` in faq.yml; returns its line."""
    import re

    rel = "data/responses/faq.yml"
    lines = (root / rel).read_text(encoding="utf-8").split("\n")
    index = lines.index(f"  {name}:") + 1
    m = re.match(r'(\s*- text: ")(.*)(")$', lines[index])
    assert m, lines[index]
    lines[index] = m.group(1) + change(m.group(2)) + m.group(3)
    (root / rel).write_text("\n".join(lines), encoding="utf-8")
    return index + 1


def found(issues, code, file=None, line=None, level=None):
    hits = [
        i
        for i in issues
        if i.code == code
        and (file is None or i.file == file)
        and (line is None or i.line == line)
        and (level is None or i.level == level)
    ]
    assert hits, f"no {code} at {file}:{line} in:\n" + "\n".join(f"{i.where} {i.code} {i.what}" for i in issues)
    return hits[0]


def check_in_background(root: Path) -> Future:
    """The findings of `python -m bot check --json --root root`, a process started now."""

    def run():
        out = subprocess.run(
            [sys.executable, "-m", "bot", "check", "--json", "--root", str(root)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert out.returncode in (0, 1), out.stderr[-3000:]
        return [Issue(**i) for i in json.loads(out.stdout)]

    pool = ThreadPoolExecutor(1)
    try:
        return pool.submit(run)
    finally:
        pool.shutdown(wait=False)


@pytest.fixture(scope="module")
def real_project_issues(rasa_broken_started):
    """Every finding for the real project, Rasa's validation included (run once for this module). Rasa's
    validation takes about 10 s; the copy with mistakes below is checked meanwhile, in another process."""
    return checks.run(ROOT, rasa=True)


# ---------------------------------------------------------------- broken content
def test_bad_indentation_names_file_line_and_fix(project):
    rel = "data/nlu/faq_kast.yml"
    line = edit(project, rel, "- intent: faq/kast_how\n  examples: |", "- intent: faq/kast_how\n   examples: |")
    issue = found(checks.run(project, rasa=False), "yaml", rel, level=ERROR)
    assert issue.line in (line, line + 1)
    assert "YAML-fel" in issue.what and "indrag" in (issue.what + issue.fix).lower()
    assert "mellanslag" in issue.fix


def test_tab_character(project):
    rel = "content/messages.yml"
    line = edit(project, rel, "kast_buttons:\n  - title", "kast_buttons:\n\t- title") + 1
    issue = found(checks.run(project, rasa=False), "yaml", rel, line)
    assert "tabb" in issue.what and "mellanslag" in issue.fix


def test_missing_quote_is_explained(project):
    rel = "data/responses/faq.yml"
    line = edit(project, rel, 'payload: "/faq/agency_conference"', 'payload: "/faq/agency_conference')
    issue = found(checks.run(project, rasa=False), "yaml", rel)
    assert issue.line >= line and "citattecken" in issue.fix


def test_unknown_intent_in_a_story(project):
    rel = "data/rules/help.yml"
    line = edit(project, rel, "- intent: find_kast\n", "- intent: find_kats\n")
    issue = found(checks.run(project, rasa=False), "story-intent", rel, line, ERROR)
    assert "find_kats" in issue.what and "hitta KAST" in issue.what
    assert "domain.yml" in issue.fix and "stavning" in issue.fix


def test_unknown_response_in_a_rule(project):
    rel = "data/rules/conversation.yml"
    line = edit(project, rel, "- action: utter_thank", "- action: utter_thanks")
    issue = found(checks.run(project, rasa=False), "story-action", rel, line, ERROR)
    assert "utter_thanks" in issue.what and "responses" in issue.fix


def test_answer_without_source(project):
    rel = "data/responses/faq.yml"
    line = edit_answer(project, "utter_faq/law", lambda text: text.split("\\n\\nKälla:")[0])
    issue = found(checks.run(project, rasa=False), "source", rel, line, ERROR)
    assert "utter_faq/law" in issue.what and "Källa: https://" in issue.fix


def test_number_not_in_the_registry(project):
    rel = "data/responses/faq.yml"
    line = edit_answer(project, "utter_faq/law", lambda text: "Ring 020-12 34 56. " + text)
    issue = found(checks.run(project, rasa=False), "fact", rel, line, ERROR)
    assert "020-12 34 56" in issue.what and "resources.yml" in issue.fix and "content/facts.yml" in issue.fix


def test_number_in_messages_must_be_in_the_registry(project):
    rel = "content/messages.yml"
    line = edit(project, rel, "ask_location: >-\n", "ask_location: >-\n  Ring 0771-11 11 11.\n")
    issue = found(checks.run(project, rasa=False), "fact", rel, line, ERROR)
    assert "0771-11 11 11" in issue.what and "ask_location" in issue.what


# ---------------------------------------------------------------- facts, wording, length
def add_fact(root: Path, entry: str) -> None:
    """Append an entry (YAML lines, indented as in the file) to the copied fact registry."""
    with (root / "content/facts.yml").open("a", encoding="utf-8") as f:
        f.write("\n" + entry)


NEW_CLAIMS = "Sedan 1987 har 12 procent, tre av fyra, sagt det enligt https://example.se/rapport. "


def test_year_percentage_word_and_url_need_the_registry(project):
    rel = "data/responses/faq.yml"
    line = edit_answer(project, "utter_faq/law", lambda text: NEW_CLAIMS + text)
    issue = found(checks.run(project, rasa=False), "fact", rel, line, ERROR)
    for claim in ("1987", "12 procent", "tre", "fyra", "https://example.se/rapport"):
        assert claim in issue.what
    assert "utter_faq/law" in issue.what and "1999" not in issue.what  # 1999 is in the registry


def test_a_registry_entry_backs_the_claims(project):
    edit_answer(project, "utter_faq/law", lambda text: NEW_CLAIMS + text)
    add_fact(
        project,
        """  - id: exempel
    claim: Ett påhittat exempel för testet.
    values: ["Sedan 1987", "12 procent", "tre av fyra", "https://example.se/rapport"]
    source: https://example.se/rapport
    verified: 2026-12-01
""",
    )
    issues = checks.run(project, rasa=False)
    assert not [i for i in issues if i.code == "fact" and "utter_faq/law" in i.what]
    # The example is not in the fact sheet: a warning to check it, not an error.
    found(issues, "facts-unsourced", "content/facts.yml", level=WARNING)


def test_a_number_is_backed_only_in_its_context(project):
    """ "fyra" is registered as "högst fyra år" (children): a bare "fyra" elsewhere is not backed."""
    rel = "data/responses/faq.yml"
    line = edit_answer(project, "utter_faq/law", lambda text: "Fyra av fem gör så. " + text)
    issue = found(checks.run(project, rasa=False), "fact", rel, line, ERROR)
    assert "Fyra" in issue.what


def test_broken_registry_entry_names_entry_and_field(project):
    rel = "content/facts.yml"
    text = (project / rel).read_text(encoding="utf-8")
    start = text.index("  - id: sexkop_olagligt_1999")
    at = text.index("    source:", start)
    end = text.index("\n", at) + 1
    (project / rel).write_text(text[:at] + text[end:], encoding="utf-8")
    issue = found(checks.run(project, rasa=False), "facts", rel, level=ERROR)
    assert "sexkop_olagligt_1999" in issue.what and "source" in issue.what
    assert issue.line == text[:start].count("\n") + 1
    assert "FÄLT" in issue.fix


def test_registry_entry_with_bad_date(project):
    rel = "content/facts.yml"
    line = edit(
        project,
        rel,
        "values: [\"1 januari 1999\"]\n    source: https://sv.wikipedia.org/wiki/Sexk%C3%B6pslagen\n"
        "    verified: 2026-12-02",
        "values: [\"1 januari 1999\"]\n    source: https://sv.wikipedia.org/wiki/"
        "Sexk%C3%B6pslagen\n    verified: 2026-13-02",
    )
    issue = found(checks.run(project, rasa=False), "facts", rel, line + 2, ERROR)
    assert "2026-13-02" in issue.what


def test_registry_entry_not_verified_for_a_year(project):
    rel = "content/facts.yml"
    old = (dt.date.today() - dt.timedelta(days=400)).isoformat()
    add_fact(
        project,
        f"""  - id: gammal
    claim: Kvinnofridslinjen svarar dygnet runt.
    values: []
    source: https://nck.uu.se/kvinnofridslinjen/kvinnofridslinjen-ger-stod-per-telefon/
    verified: {old}
""",
    )
    issue = found(checks.run(project, rasa=False), "facts-old", rel, level=WARNING)
    assert "gammal" in issue.what and old in issue.what and "dagens datum" in issue.fix


@pytest.mark.parametrize("opening", ["Nej, att", "Nej. Att", "Ja. Att", "Ja, att", "ja – att"])
def test_faq_answer_opening_with_yes_or_no(project, opening):
    rel = "data/responses/faq.yml"
    line = edit_answer(project, "utter_faq/law_selling", lambda text: opening + text[3:])
    issue = found(checks.run(project, rasa=False), "yes-no", rel, line, ERROR)
    assert "utter_faq/law_selling" in issue.what and "lagligt" in issue.what and "regeln" in issue.fix


def test_yes_or_no_later_in_the_answer_is_fine(project):
    edit_answer(project, "utter_faq/law_selling", lambda text: "Ofta, ja: " + text)
    assert not [i for i in checks.run(project, rasa=False) if i.code == "yes-no"]


def test_straight_quotes_inside_an_answer(project):
    rel = "data/responses/faq.yml"
    line = edit_answer(
        project,
        "utter_faq/law",
        lambda text: text.replace("köp av sexuell handling", '\\"köp av sexuell handling\\"', 1),
    )
    issue = found(checks.run(project, rasa=False), "quotes", rel, line, ERROR)
    assert '"' in issue.what and "”" in issue.fix


def test_guillemets_in_messages(project):
    rel = "content/messages.yml"
    edit(project, rel, "exempel ”Västerås”", "exempel «Västerås»")
    issue = found(checks.run(project, rasa=False), "quotes", rel, line_of(project, rel, "not_recognised:"), ERROR)
    assert "«" in issue.what and "not_recognised" in issue.what


def test_yaml_quoting_is_not_content(project):
    """The real answers are quoted with " in YAML; only quotes inside the loaded text count."""
    assert (project / "data/responses/faq.yml").read_text(encoding="utf-8").count('- text: "') > 10
    assert not [i for i in checks.run(project, rasa=False) if i.code == "quotes"]


def test_referral_turn_too_long_names_places_and_overrun(project):
    rel = "content/resources.yml"
    long_note = "Det här är en mycket lång anteckning om mottagningen " * 4
    edit(
        project,
        rel,
        "    location: Stockholm\n    anonymous: true",
        f"    location: Stockholm\n    note: {long_note.strip()}\n    anonymous: true",
    )
    issues = [i for i in checks.run(project, rasa=False) if i.code == "turn-length"]
    kast = next(i for i in issues if "action_referral" in i.what)
    assert kast.level == ERROR and kast.file == "content/messages.yml"
    assert "Upplands Väsby" in kast.what and re.search(r"Upplands Väsby \d+ \(\+\d+\)", kast.what)
    assert "80 ord" in kast.what and "note" in kast.fix
    # KAST is also what relatives of buyers are shown, with the place known:
    assert any("relative_of_buyer" in i.what for i in issues)
    # Places in other counties are not listed.
    assert "Malmö" not in kast.what


def test_referral_turns_of_the_real_project_are_short(real_project_issues):
    issues = [i for i in real_project_issues if i.code == "turn-length"]
    assert not issues, "\n".join(i.what for i in issues)


def test_delivery_differs_is_a_warning(project):
    shared = project.parent / "shared"
    (shared / "contract").mkdir(parents=True)
    text = (project / "content/contract/intents.yml").read_text(encoding="utf-8")
    (shared / "contract/intents.yml").write_text(
        text.replace("  - name: greet\n", "  - name: greeting\n"), encoding="utf-8"
    )
    issues = checks.run(project, rasa=False)
    issue = found(issues, "delivery", "content/contract/intents.yml", level=WARNING)
    assert "greeting" in issue.what and "kopiera" in issue.fix
    assert not [i for i in issues if i.code == "delivery" and i.is_error]


def test_no_delivery_folder_no_warning(project):
    assert not (project.parent / "shared").exists()
    assert not [i for i in checks.run(project, rasa=False) if i.code == "delivery"]


def test_duplicate_example_within_an_intent(project):
    rel = "data/nlu/faq_kast.yml"
    first, text = examples_of(project, rel, "faq/kast_what")[0]
    line = insert_after_line(project, rel, first, f"    - {text}")
    issue = found(checks.run(project, rasa=False), "duplicate", rel, line, WARNING)
    assert f"{rel}:{first}" in issue.what and "Ta bort" in issue.fix


def test_same_example_in_two_intents_is_a_conflict(project):
    _, text = examples_of(project, "data/nlu/faq_kast.yml", "faq/kast_what")[0]
    rel = "data/nlu/faq_law.yml"
    line = insert_after_line(project, rel, examples_of(project, rel, "faq/law")[0][0], f"    - {text}")
    issue = found(checks.run(project, rasa=False), "conflict", rel, line, ERROR)
    assert "faq/kast_what" in issue.what and "faq/law" in issue.what and "Bestäm" in issue.fix


def test_example_equal_after_folding_in_two_intents(project):
    from bot.domain.text import fold, normalize

    _, text = next(
        (line, t)
        for line, t in examples_of(project, "data/nlu/faq_kast.yml", "faq/kast_what")
        if fold(t) != normalize(t)
    )
    rel = "data/nlu/faq_law.yml"
    line = insert_after_line(project, rel, examples_of(project, rel, "faq/law")[0][0], f"    - {fold(text)}")
    issue = found(checks.run(project, rasa=False), "conflict-folded", rel, line, ERROR)
    assert "å/ä/ö" in issue.what


def test_resource_without_verified_date(project):
    rel = "content/resources.yml"
    entry = line_of(project, rel, "  - id: kast_umea")
    verified = line_of(project, rel, "  - id: kast_karlstad") - 2  # kast_umea's verified line
    text = (project / rel).read_text(encoding="utf-8").splitlines(keepends=True)
    assert text[verified - 1].strip().startswith("verified:")
    del text[verified - 1]
    (project / rel).write_text("".join(text), encoding="utf-8")
    issue = found(checks.run(project, rasa=False), "resource", rel, entry, ERROR)
    assert "kast_umea" in issue.what and "verified" in issue.what
    assert "verified: ÅÅÅÅ-MM-DD" in issue.fix


def test_resource_not_verified_for_a_year(project):
    rel = "content/resources.yml"
    old = (dt.date.today() - dt.timedelta(days=400)).isoformat()
    line = line_of(project, rel, "  - id: kast_umea")
    text = (project / rel).read_text(encoding="utf-8")
    start = text.index("  - id: kast_umea")
    at = text.index("verified:", start)
    end = text.index("\n", at)
    (project / rel).write_text(text[:at] + f"verified: {old}" + text[end:], encoding="utf-8")
    vline = text[:at].count("\n") + 1
    issue = found(checks.run(project, rasa=False), "resource-old", rel, vline, WARNING)
    assert vline > line and "kast_umea" in issue.what and old in issue.what and "dagens datum" in issue.fix


def test_resource_with_unknown_place(project):
    rel = "content/resources.yml"
    line = edit(project, rel, "area: {municipalities: [Umeå]}", "area: {municipalities: [Umea]}")
    issue = found(checks.run(project, rasa=False), "resource", rel, line, ERROR)
    assert "Umea" in issue.what and "kommuner.tsv" in issue.fix


def test_contract_intent_with_too_few_examples(project):
    rel = "data/nlu/safety.yml"
    text = (project / rel).read_text(encoding="utf-8")
    start = text.index("- intent: crisis")
    block_end = text.index("\n- intent:", start + 1) if "\n- intent:" in text[start + 1 :] else len(text)
    lines = text[start:block_end].split("\n")
    kept = lines[:12] + [row for row in lines[12:] if not row.strip().startswith("- ")]
    (project / rel).write_text(text[:start] + "\n".join(kept) + text[block_end:], encoding="utf-8")
    issue = found(checks.run(project, rasa=False), "examples-count", rel, level=ERROR)
    assert "crisis" in issue.what and "minst 60" in issue.what


def test_faq_question_without_answer(project):
    rel = "data/responses/faq.yml"
    edit(project, rel, "  utter_faq/law_selling:", "  utter_faq/law_sellinq:")
    issues = checks.run(project, rasa=False)
    issue = found(issues, "faq-without-answer", "data/nlu/faq_law.yml", level=ERROR)
    assert "faq/law_selling" in issue.what and "utter_faq/law_selling" in issue.fix
    found(issues, "answer-without-question", rel, level=WARNING)


def test_missing_contract_fact(project):
    rel = "domain.yml"
    edit(project, rel, "Självmordslinjen 90101", "Självmordslinjen")
    issue = found(checks.run(project, rasa=False), "must-say", rel, level=ERROR)
    assert "utter_crisis" in issue.what and "90101" in issue.what


def test_long_answer_is_listed(project):
    rel = "data/responses/faq.yml"
    line = edit_answer(project, "utter_faq/law", lambda text: "Mer text här. " * 30 + text)
    issue = found(checks.run(project, rasa=False), "length", rel, line, ERROR)
    assert "ord" in issue.what and "80" in issue.what and "Korta" in issue.fix


def test_unknown_placeholder_in_messages(project):
    rel = "content/messages.yml"
    line = edit(project, rel, "here: \"{In_place} finns {name}.\"", "here: \"I {plats} finns {name}.\"")
    issue = found(checks.run(project, rasa=False), "placeholder", rel, line, ERROR)
    assert "{plats}" in issue.what


def test_button_to_unknown_intent(project):
    rel = "content/messages.yml"
    line = edit(project, rel, "payload: /faq/kast_how", "payload: /faq/kast_hw")
    issue = found(checks.run(project, rasa=False), "button", rel, line, ERROR)
    assert "/faq/kast_hw" in issue.what


def test_broken_safety_pattern(project):
    rel = "content/safety.yml"
    edit(project, rel, "    - sjalvmord\\w*", "    - sjalvmord(\\w*")
    issue = found(checks.run(project, rasa=False), "safety", rel, level=ERROR)
    assert "phrases.crisis" in issue.what and issue.line


def test_unknown_place_alias(project):
    rel = "content/places/aliases.yml"
    line = edit(project, rel, "  Upplands Väsby: [Väsby]", "  Upplands Vasby: [Väsby]")
    issue = found(checks.run(project, rasa=False), "places", rel, line, ERROR)
    assert "Upplands Vasby" in issue.what


def test_duplicate_key_in_a_file(project):
    rel = "data/responses/faq.yml"
    text = (project / rel).read_text(encoding="utf-8")
    block_start = text.index("  utter_faq/law:")
    block_end = text.index("\n\n", block_start)
    (project / rel).write_text(text + "\n" + text[block_start:block_end] + "\n", encoding="utf-8")
    issue = found(checks.run(project, rasa=False), "duplicate-key", rel, level=ERROR)
    assert "utter_faq/law" in issue.what and f"rad {text[:block_start].count(chr(10)) + 1}" in issue.what


# ---------------------------------------------------------------- Rasa's own validation
@pytest.fixture(scope="module")
def rasa_broken_started(tmp_path_factory):
    """(copy, findings to come) for a copy with two independent mistakes that only Rasa's validation
    finds: an intent no rule uses, and two stories that disagree. The two tests below share one run of
    `python -m bot check`, started when this module first needs Rasa's validation."""
    project = copy_content(tmp_path_factory.mktemp("rasa") / "main")
    edit(project, "domain.yml", "  - delete_conversation\n", "  - delete_conversation\n  - ny_fraga\n")
    with (project / "data/nlu/ny.yml").open("w", encoding="utf-8") as f:
        f.write('version: "3.1"\nnlu:\n- intent: ny_fraga\n  examples: |\n    - en helt ny fråga om något\n')
    (project / "data/stories").mkdir(exist_ok=True)
    with (project / "data/stories/extra.yml").open("w", encoding="utf-8") as f:
        f.write(
            'version: "3.1"\nstories:\n- story: tack och hej\n  steps:\n  - intent: thank\n'
            '  - action: utter_greet\n- story: tack och hej då\n  steps:\n  - intent: thank\n'
            '  - action: utter_goodbye\n'
        )
    return project, check_in_background(project)


@pytest.fixture(scope="module")
def rasa_broken(rasa_broken_started):
    project, findings = rasa_broken_started
    return project, findings.result()


def test_rasa_validation_is_translated(rasa_broken):
    project, issues = rasa_broken
    issue = found(issues, "rasa", "domain.yml", level=ERROR)
    assert "ny_fraga" in issue.what and "regel" in issue.what and "data/rules" in issue.fix
    assert issue.line == line_of(project, "domain.yml", "  - ny_fraga")


def test_misspelled_key_is_explained(project):
    rel = "data/nlu/faq_kast.yml"
    line = edit(project, rel, "- intent: faq/kast_what\n  examples: |", "- intent: faq/kast_what\n  exampels: |")
    issue = found(checks.run(project, rasa=True), "rasa-read", rel, line, ERROR)
    assert "«exampels:»" in issue.what and "examples:" in issue.fix


def test_rasa_reports_conflicting_stories(rasa_broken):
    _, issues = rasa_broken
    issue = found(issues, "rasa-conflict", "data/stories/extra.yml", level=ERROR)
    assert "thank" in issue.what and "«tack och hej»" in issue.what and issue.line


# ---------------------------------------------------------------- the real project and the command line
def test_real_project_has_no_errors(real_project_issues):
    errors = [f"{i.where}: {i.what}" for i in real_project_issues if i.is_error]
    assert not errors, f"{len(errors)} fel:\n" + "\n".join(errors[:20])


def test_command_line_help_is_bilingual():
    out = subprocess.run([sys.executable, "-m", "bot", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0
    for word in ("kontrollera innehållet", "check the content", "report", "purge", "eval"):
        assert word in out.stdout


def test_command_line_check_exit_code_and_message(project):
    edit(project, "data/rules/help.yml", "- intent: find_kast\n", "- intent: find_kats\n")
    out = subprocess.run(
        [sys.executable, "-m", "bot", "check", "--utan-rasa", "--root", str(project)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1
    assert "data/rules/help.yml:" in out.stdout and "Gör så här" in out.stdout and "find_kats" in out.stdout
