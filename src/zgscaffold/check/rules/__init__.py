"""The registry of rules: every rule's code, severity, summary and needs, stated once.

One module per rule family holds its rules (`RULES`) and their checks: `Checks`, run
over every module of the Space, and/or `check(project)` for checks of the whole Space.
The docs' rule index (docs/rules/index.md) and the SARIF rule metadata are made
from this registry; tests hold the index equal to it.
"""

from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING

from zgscaffold.check.model import UNREADABLE, Finding, Rule
from zgscaffold.check.rules import (
    concurrency,
    configuration,
    duration,
    files,
    gradio,
    granularity,
    isolation,
    loading,
)

if TYPE_CHECKING:
    from zgscaffold.check.rules.base import Project

FAMILIES: tuple[ModuleType, ...] = (
    configuration,
    loading,
    duration,
    isolation,
    concurrency,
    granularity,
    gradio,
    files,
)
BY_CODE: dict[str, Rule] = {
    rule.code: rule
    for rule in sorted((r for family in FAMILIES for r in family.RULES), key=lambda r: r.code)
}
RULES: tuple[Rule, ...] = tuple(BY_CODE.values())  # the catalogue, in code order


def run(project: "Project") -> Iterator[Finding]:
    """Every family's findings on one Space."""
    for family in FAMILIES:
        # A family of module checks runs them over every module; others have their own `check`.
        check = getattr(family, "check", None) or family.Checks.each_module
        yield from check(project)


INDEX_HEAD = """\
# Rules

Every Space the template renders obeys every rule; `zgscaffold check` reports
each violation it can see statically, with its code and a link to its page
here. Codes are stable: a rule is retired, never renumbered. This page is made
from the checker's registry of rules
(`uv run python -m zgscaffold.check.rules > docs/rules/index.md`).

Severity: **error**: the Space fails to build, crashes, corrupts or leaks
data on ZeroGPU; **warning**: it works but wastes quota, queues worse or
breaks elsewhere; **info**: advice. Rules marked *opt-in* run only with
`--select`; *needs* names what a check reads beyond one file.
"""


def index_page() -> str:
    """docs/rules/index.md: one row a rule, then what each family prefix covers."""
    rows = ["| code | severity | rule | needs |", "|---|---|---|---|"]
    for rule in sorted([*RULES, UNREADABLE], key=lambda rule: rule.code):
        summary = rule.summary + ("" if rule.default else " (*opt-in*)")
        needs = ", ".join(rule.needs)
        rows.append(
            f"| [{rule.code}]({rule.code}.md) | {rule.severity.label} | {summary} | {needs} |"
        )
    families = ", ".join(f"**{family.RULES[0].family}** {family.FAMILY}" for family in FAMILIES)
    return "\n".join([INDEX_HEAD, *rows, "", f"Families: {families}.", ""])
