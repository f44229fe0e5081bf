"""Findings, severities and what a rule is; the registry of rules is zgscaffold.check.rules."""

from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path


class Severity(IntEnum):
    """Ordered so that `severity >= fail_on` compares as expected."""

    info = 1
    warning = 2
    error = 3

    @property
    def label(self) -> str:
        return self.name


E, W, INFO = Severity.error, Severity.warning, Severity.info  # short names for rule lines


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    summary: str
    static: bool = True  # False: static analysis cannot decide it; see docs/checker.md
    default: bool = True  # False: opt-in with --select
    needs: tuple[str, ...] = ()  # GRAPH, FACTS: what the check reads beyond one file

    @property
    def family(self) -> str:
        return self.code[:3] + "xx"


GRAPH = "call graph"  # Rule.needs: the Space's call graph (handlers, helpers, modules)
FACTS = "facts"  # Rule.needs: facts/zerogpu.yml (caps, factors, releases)


def __getattr__(name: str) -> object:
    """`BY_CODE` and `RULES` come from the registry (zgscaffold.check.rules), one rule a line."""
    if name in ("BY_CODE", "RULES"):
        from zgscaffold.check import rules

        return getattr(rules, name)
    raise AttributeError(name)


# Not a platform rule: a file the checker needs but cannot read or parse, or a
# failure of the checker on one Space (docs/rules/ZG900.md). Always on.
UNREADABLE = Rule("ZG900", Severity.error, "every file the checker needs can be read and parsed")


def lookup(code: str) -> Rule:
    from zgscaffold.check.rules import BY_CODE

    return UNREADABLE if code == UNREADABLE.code else BY_CODE[code]


@dataclass(frozen=True)
class Edit:
    """Replace lines [start, end] (1-based, inclusive) of a file with `text` ("" deletes)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Fix:
    description: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Finding:
    code: str
    path: str  # as given or relative to the checked folder
    line: int
    column: int
    message: str
    fix: Fix | None = field(default=None, compare=False)
    file: Path | None = field(default=None, compare=False, repr=False)  # for --fix

    @property
    def rule(self) -> Rule:
        return lookup(self.code)

    @property
    def severity(self) -> Severity:
        return lookup(self.code).severity

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


def rule_url(code: str, docs_url: str, rule_page: str) -> str:
    return docs_url.rstrip("/") + "/" + rule_page.replace("{code}", code).lstrip("/")
