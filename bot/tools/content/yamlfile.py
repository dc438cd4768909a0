"""YAML files read with line numbers, and YAML mistakes explained in Swedish.

    doc = read(root, "data/nlu/faq_kast.yml")
    doc.data                                   -> the parsed content (None if the file is broken)
    doc.issues                                 -> syntax errors and duplicate keys, with file and line
    doc.line("responses", "utter_faq/law", 0)  -> line of that item (1-based), or None

PyYAML's `compose` keeps a mark (line, column) on every node; `construct_document` then builds the
ordinary Python data from the same nodes, so the file is parsed once. PyYAML's own (pure Python) parser
is used on purpose: the app reads these files with it, and libyaml accepts some text it rejects. A text
already parsed in this process is not parsed again (the tests check many copies of the same files):
its node tree is shared, read-only, and its data copied.
"""

import copy
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, List, Optional, Sequence, Tuple, Type, Union

import yaml

from bot.tools.content.issues import Issue, error

Step = Union[str, int]


@dataclass
class Doc:
    """One YAML file: its text, its node tree (with marks) and its data."""

    path: Path
    rel: str
    text: str
    node: Optional[yaml.Node] = None
    data: Any = None
    issues: List[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(i.is_error for i in self.issues)

    def node_at(self, *path: Step) -> Optional[yaml.Node]:
        """The value node at `path` (mapping keys and list indices), or None."""
        node = self.node
        for step in path:
            node = child(node, step)
            if node is None:
                return None
        return node

    def line(self, *path: Step) -> Optional[int]:
        """1-based line of the item at `path`; for a mapping key, the line of the key itself."""
        if not path:
            return 1
        parent = self.node_at(*path[:-1])
        last = path[-1]
        if isinstance(parent, yaml.MappingNode):
            for key, _ in parent.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(last):
                    return key.start_mark.line + 1
            return None
        node = child(parent, last)
        return node.start_mark.line + 1 if node is not None else None

    def source_line(self, line: int) -> str:
        lines = self.text.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else ""


def child(node: Optional[yaml.Node], step: Step) -> Optional[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(step):
                return value
    elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        return node.value[step]
    return None


def block_lines(doc: Doc, node: yaml.Node) -> List[Tuple[int, str]]:
    """(line, text) of every "- item" line inside a literal block (`examples: |`)."""
    if not isinstance(node, yaml.ScalarNode):
        return []
    found = []
    if node.style == "|":  # one content line per file line, starting below the "|"
        first = node.start_mark.line + 2
        for offset, text in enumerate(node.value.split("\n")):
            if text.strip().startswith("- "):
                found.append((first + offset, text.strip()[2:].strip()))
        return found
    line = node.start_mark.line + 1  # folded or quoted: no reliable line per item
    return [(line, part.strip()[2:].strip()) for part in node.value.split("\n") if part.strip().startswith("- ")]


def read(root: Path, rel: str, loader: Type[yaml.SafeLoader] = yaml.SafeLoader) -> Doc:
    """Read and parse `root/rel`; problems become `doc.issues` (never raises for bad YAML)."""
    path = root / rel
    doc = Doc(path, rel, "")
    try:
        doc.text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        doc.issues.append(
            error(
                "yaml",
                rel,
                None,
                f"Filen är inte sparad som UTF-8 (tecken nr {err.start}).",
                "Spara filen som UTF-8 i redigeraren (i VS Code: nere till höger, «Save with Encoding»).",
            )
        )
        return doc
    if "\t" in doc.text:
        line = next(n for n, text in enumerate(doc.text.splitlines(), 1) if "\t" in text)
        doc.issues.append(
            error(
                "yaml",
                rel,
                line,
                "Raden innehåller ett tabbtecken. YAML tillåter bara mellanslag för indrag.",
                "Byt tabbtecknet mot mellanslag (2 mellanslag per nivå). Slå på «visa blanksteg» i redigeraren.",
            )
        )
        return doc
    doc.node, doc.data, err = _parse(loader, doc.text)
    if isinstance(err, yaml.MarkedYAMLError):
        doc.issues.append(explain(err, doc))
    elif err is not None:  # no mark: rare
        doc.issues.append(
            error(
                "yaml",
                rel,
                None,
                f"Filen går inte att läsa som YAML ({err}).",
                "Jämför med en fungerande fil av samma slag och rätta formatet.",
            )
        )
    else:
        doc.issues += duplicate_keys(doc)
    return doc


_Parsed = Tuple[Optional[yaml.Node], Any, Optional[yaml.YAMLError]]
_parsed: "OrderedDict[Tuple[type, str], _Parsed]" = OrderedDict()  # the last texts parsed, per loader


def _parse(loader: Type[yaml.SafeLoader], text: str) -> _Parsed:
    """(node tree, data, None) of one YAML document, or (None, None, the error)."""
    key = (loader, text)
    if key not in _parsed:
        yaml_loader = loader(text)
        try:
            node = yaml_loader.get_single_node()
            _parsed[key] = (node, yaml_loader.construct_document(node) if node is not None else None, None)
        except yaml.YAMLError as err:
            _parsed[key] = (None, None, err)
        finally:
            yaml_loader.dispose()
        if len(_parsed) > 100:
            _parsed.popitem(last=False)
    _parsed.move_to_end(key)
    node, data, err = _parsed[key]
    return node, copy.deepcopy(data), err


# ---- explanations ----
# (fragment of PyYAML's problem text, what it means, how to fix it)
_PROBLEMS: Sequence[Tuple[str, str, str]] = (
    (
        "mapping values are not allowed",
        "Ett kolon («:») står där YAML inte väntar sig det – oftast fel indrag, eller text med «: » som saknar citattecken.",
        "Ge raden samma indrag (antal mellanslag) som raderna ovanför på samma nivå. Innehåller texten «: », "
        "sätt citattecken runt hela texten: \"…\".",
    ),
    (
        "could not find expected ':'",
        "En rad saknar kolon efter namnet, eller är fel indragen.",
        "Skriv «namn: värde», och ge raden samma indrag som raderna runt den.",
    ),
    (
        "did not find expected '-' indicator",
        "En rad i en lista är fel indragen.",
        "Alla rader i en lista ska börja med «- » på samma indrag (samma antal mellanslag).",
    ),
    (
        "did not find expected key",
        "Fel indrag: raden står inte i linje med raderna runt den.",
        "Ge raden samma antal inledande mellanslag som raderna ovanför på samma nivå (2 mellanslag per nivå).",
    ),
    (
        "expected <block end>",
        "Fel indrag: raden är indragen mer eller mindre än raderna i samma block.",
        "Ge raden samma antal inledande mellanslag som raderna ovanför på samma nivå (2 mellanslag per nivå).",
    ),
    (
        "found unexpected end of stream",
        "Filen tar slut mitt i en text – troligen saknas ett avslutande citattecken.",
        "Leta upp texten som börjar med \" eller ' och lägg till samma tecken i slutet av texten.",
    ),
    (
        "found unknown escape character",
        "Ett bakstreck («\\») i en text med citattecken.",
        "Ta bort bakstrecket, eller använd enkla citattecken '…' runt texten.",
    ),
    (
        "while scanning a quoted scalar",
        "En text med citattecken avslutas inte rätt.",
        "Kontrollera att texten börjar och slutar med samma citattecken och att det inte finns fler \" inuti.",
    ),
    (
        "while scanning an alias",
        "En rad börjar med «*» – det betyder något särskilt i YAML.",
        "Sätt citattecken runt texten: \"*…\".",
    ),
    (
        "while scanning an anchor",
        "En rad börjar med «&» – det betyder något särskilt i YAML.",
        "Sätt citattecken runt texten: \"&…\".",
    ),
    (
        "found character '@'",
        "En text börjar med «@», som inte får inleda en text i YAML.",
        "Sätt citattecken runt texten.",
    ),
    (
        "found character '`'",
        "En text börjar med «`», som inte får inleda en text i YAML.",
        "Sätt citattecken runt texten.",
    ),
    (
        "found undefined alias",
        "En text börjar med «*» – det betyder något särskilt i YAML.",
        "Sätt citattecken runt texten: \"*…\".",
    ),
    (
        "expected ',' or ']'",
        "En lista inom hakparenteser [ … ] är inte rätt avslutad.",
        "Kontrollera att varje [ har en ] och att posterna skiljs med kommatecken.",
    ),
    (
        "expected ',' or '}'",
        "Ett avsnitt inom klammerparenteser { … } är inte rätt avslutat.",
        "Kontrollera att varje { har en } och att posterna skiljs med kommatecken.",
    ),
)


def explain(err: yaml.MarkedYAMLError, doc: Doc) -> Issue:
    """A Swedish message for a PyYAML error, at the line PyYAML points to."""
    mark = err.problem_mark or err.context_mark
    line = mark.line + 1 if mark else None
    problem = f"{err.problem or ''} {err.context or ''}"
    what, fix = (
        "YAML-syntaxen är fel här.",
        "Jämför raden med raderna runt den: samma indrag, «namn: värde», citattecken runt text med «: ».",
    )
    for fragment, meaning, remedy in _PROBLEMS:
        if fragment in problem:
            what, fix = meaning, remedy
            break
    quote = _open_quote(doc, err)
    if quote and quote != line:
        line = quote
        what, fix = (
            "Ett citattecken (\") öppnas på raden men stängs aldrig, så resten av filen blir fel.",
            "Lägg till ett avslutande citattecken (\") i slutet av texten på raden (eller ta bort det inledande).",
        )
    if line:
        shown = doc.source_line(line).rstrip()
        if shown.strip():
            what += f" Raden: «{shown.strip()[:70]}»."
    context = err.context_mark.line + 1 if err.context_mark else None
    if context and line and context != line:
        what += f" (Blocket börjar på rad {context}.)"
    return error("yaml", doc.rel, line, f"YAML-fel: {what} [{(err.problem or '').strip()}]", fix)


def _open_quote(doc: Doc, err: yaml.MarkedYAMLError) -> Optional[int]:
    """The line, up to the error, where a double-quoted text is opened and not closed on the same line."""
    if not err.problem_mark:
        return None
    end = err.problem_mark.line
    start = min(err.context_mark.line if err.context_mark else end, end - 5)
    for index in range(max(0, start), end + 1):
        text = doc.source_line(index + 1)
        if text.strip().startswith("#") or "'" in text:
            continue
        if len(re.findall(r'(?<!\\)"', text)) % 2 == 1:
            return index + 1
    return None


def duplicate_keys(doc: Doc) -> List[Issue]:
    """A key written twice in one section: YAML keeps only the last, so the first is silently lost."""
    found: List[Issue] = []
    stack = [doc.node] if doc.node is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value != "<<":
                    if key.value in seen:
                        found.append(
                            error(
                                "duplicate-key",
                                doc.rel,
                                key.start_mark.line + 1,
                                f"«{key.value}» står två gånger i samma avsnitt (även rad {seen[key.value]}). "
                                "Bara den sista räknas; den första försvinner utan varning.",
                                "Slå ihop de två till ett, eller byt namn på det ena.",
                            )
                        )
                    else:
                        seen[key.value] = key.start_mark.line + 1
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return found
