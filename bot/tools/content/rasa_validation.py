"""Rasa's own data validation (`rasa data validate`), run in-process and translated into Swedish.

The same checks as `rasa data validate --fail-on-warnings` in `make test`: every Rasa warning during
validation is an error here. Findings our own checks already report with a line number (unknown
intents, duplicate examples, missing answers) are not repeated.
"""

import logging
import os
import re
import warnings
from pathlib import Path
from typing import Iterable, List, Optional, Tuple

from bot.tools.content.issues import Issue, error, warning

# Warnings Rasa gives while reading this project that are expected and harmless:
# faq.yml declares the retrieval intent again; the slot mapping warning is about Rasa 2 projects.
HARMLESS = ("duplicated intents have been found across multiple domain files: faq", "Slot auto-fill has been removed")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _location(project, kind: str, name: str) -> Tuple[str, Optional[int]]:
    doc = project.doc("domain.yml")
    if kind == "intent":
        names = project.domain_intents
        return "domain.yml", doc.line("intents", names.index(name)) if name in names else doc.line("intents")
    if kind == "response":
        for r in project.responses:
            if r.name == name or r.name.startswith(name + "/"):
                return r.file, r.line
    return "domain.yml", None


def translate(message: str, project) -> Optional[Issue]:
    """One Rasa warning as a Swedish issue, or None when our own checks already report it."""
    m = re.search(r"The intent '([^']+)' is not used in any story or rule", message)
    if m:
        file, line = _location(project, "intent", m.group(1))
        return error(
            "rasa",
            file,
            line,
            f"Intenten «{m.group(1)}» används inte i någon regel: chattboten vet inte vad den ska svara.",
            f"Lägg till en regel i data/rules/ («- intent: {m.group(1)}» följt av «- action: utter_…»), "
            "eller ta bort intenten.",
        )
    m = re.search(r"The utterance '([^']+)' is not used in any story or rule", message)
    if m:
        file, line = _location(project, "response", m.group(1))
        return error(
            "rasa",
            file,
            line,
            f"Svaret «{m.group(1)}» används inte i någon regel, så det visas aldrig.",
            "Lägg till en regel i data/rules/ som ger svaret, eller ta bort svaret.",
        )
    if re.search(
        r"is listed in the domain file, but is not found in the NLU|labeled with intent|"
        r"found labeled with multiple different intents|is used in your stories, but it is not listed|"
        r"is not a valid utterance action|but it is not listed in the domain file",
        message,
    ):
        return None  # reported by our own checks, with the line
    m = re.search(r"Story structure conflict after (.+?):\s*(.*)", message, re.S)
    if m:
        detail = " ".join(m.group(2).split())
        blocks = re.findall(r"predicted in '([^']+)'", detail)
        where = next(((s.file, s.line) for b in blocks for s in project.steps if s.block == b), ("data", None))
        names = " och ".join(f"«{b}»" for b in dict.fromkeys(blocks))
        return error(
            "rasa-conflict",
            where[0],
            where[1],
            f"Regler/berättelser säger olika saker efter {m.group(1)}: {names or detail}. ({detail})",
            "Ändra eller ta bort en av dem så att samma situation bara har ett svar.",
        )
    text = " ".join(message.split())
    return error(
        "rasa",
        "data",
        None,
        f"Rasa: {text}",
        "Läs meddelandet (på engelska) och rätta filen det nämner; fråga en utvecklare om det är oklart.",
    )


def _load_failure(err: Exception, root: Path) -> Issue:
    """Rasa could not read a training data file (its schema check failed): name file, line and key."""
    text = " ".join(str(err).replace(str(root) + "/", "").split())
    filename = str(getattr(err, "filename", "") or "")
    rel = filename.replace(str(root) + "/", "") if filename else "data"
    m = re.search(r"in ([\w./-]+\.ya?ml):(\d+): (.+?)(?= in [\w./-]+\.ya?ml:\d+:|$)", text)
    if m:
        rel, line, detail = m.group(1), int(m.group(2)), m.group(3).strip()
    else:
        n = re.search(r"[Ll]ine (\d+)", text)
        line, detail = (int(n.group(1)) if n else None), text[:300]
    key = re.search(r"Key '([^']+)' was not defined", detail)
    if key:
        what = f"Rasa känner inte igen «{key.group(1)}:» här – felstavat eller fel indrag? (Rasa: {detail})"
    else:
        what = f"Rasa kan inte läsa filen: {detail}"
    return error(
        "rasa-read",
        rel,
        line,
        what,
        "Jämför med ett fungerande block i samma fil: rätt ord (intent:, examples:, rule:, steps:, "
        "action: …), rätt indrag, och «examples: |» följt av rader som börjar med «- ».",
    )


def run(project, own: Iterable[Issue]) -> List[Issue]:
    """Rasa's validation of the project; skipped when a Rasa file has a YAML error already reported."""
    from rasa.shared.exceptions import RasaException
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.validator import Validator

    root = project.root
    rasa_files = ["domain.yml", "config.yml"] + project.files("data/**/*.yml")
    if any(not project.doc(rel).ok for rel in rasa_files if rel in project.docs):
        return []
    handler = _Collect()
    loggers = [logging.getLogger(n) for n in ("rasa.validator", "rasa.core.training.story_conflict")]
    saved = [(lg.level, lg.propagate) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.WARNING)
        lg.propagate = False
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # no progress bars from Rasa
    found: List[Issue] = []
    try:
        with warnings.catch_warnings(record=True) as loading:
            warnings.simplefilter("always")
            try:
                importer = TrainingDataImporter.load_from_config(
                    str(root / "config.yml"), str(root / "domain.yml"), [str(root / "data")]
                )
                validator = Validator.from_importer(importer)
            except (RasaException, ValueError, KeyError, TypeError) as err:
                return [_load_failure(err, root)]
        for w in loading:
            text = str(w.message)
            if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning, FutureWarning)):
                continue
            if not any(h in text for h in HARMLESS) and "rasa" in (w.filename or ""):
                found.append(
                    warning(
                        "rasa-read",
                        "data",
                        None,
                        "Rasa varnar: " + " ".join(text.split())[:300],
                        "Läs meddelandet och rätta filen det nämner; fråga en utvecklare om det är oklart.",
                    )
                )
        handler.messages.clear()
        with warnings.catch_warnings(record=True) as checking:
            warnings.simplefilter("always")
            validator.verify_domain_validity()
            validator.verify_actions_in_stories_rules()
            validator.verify_forms_in_stories_rules()
            validator.verify_form_slots()
            validator.verify_slot_mappings()
            validator.verify_intents_in_stories(False)
            validator.verify_example_repetition_in_intents(False)
            validator.verify_utterances_in_stories(False)
            validator.verify_story_structure(False)
        messages = [
            str(w.message)
            for w in checking
            if not issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning, FutureWarning))
        ]
        messages += handler.messages
    finally:
        for lg, (level, propagate) in zip(loggers, saved):
            lg.removeHandler(handler)
            lg.setLevel(level)
            lg.propagate = propagate
    for message in messages:
        if any(h in message for h in HARMLESS):
            continue
        issue = translate(message, project)
        if issue:
            found.append(issue)
    return found
