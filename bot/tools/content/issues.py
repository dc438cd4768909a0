"""One finding of the content check: what is wrong, where (file and line), and how to fix it."""

from dataclasses import dataclass
from typing import List, Optional

ERROR = "fel"
WARNING = "varning"


@dataclass(frozen=True)
class Issue:
    """A finding. `what` and `fix` are Swedish sentences for content staff; `code` names the check."""

    level: str  # ERROR or WARNING
    code: str  # short id of the check, e.g. "yaml", "duplicate", "source"
    file: str  # path relative to the project root
    line: Optional[int]  # 1-based, None when the whole file is meant
    what: str
    fix: str

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "what": self.what,
            "fix": self.fix,
        }


def error(code: str, file: str, line: Optional[int], what: str, fix: str) -> Issue:
    return Issue(ERROR, code, file, line, what, fix)


def warning(code: str, file: str, line: Optional[int], what: str, fix: str) -> Issue:
    return Issue(WARNING, code, file, line, what, fix)


def sort_key(issue: Issue):
    return (issue.level != ERROR, issue.file, issue.line or 0, issue.code)


def errors(issues: List[Issue]) -> List[Issue]:
    return [i for i in issues if i.is_error]
