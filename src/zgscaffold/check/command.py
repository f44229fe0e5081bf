"""What `zgscaffold check` prints and its exit code; cli.py only parses the flags."""

from pathlib import Path

from rich.console import Console

from zgscaffold.check.engine import check_paths
from zgscaffold.check.fix import fix_paths
from zgscaffold.check.model import Finding, Severity
from zgscaffold.check.output import as_json, as_sarif, human
from zgscaffold.facts import load_facts


def exit_code(findings: list[Finding], fail_on: str) -> int:
    if fail_on == "never":
        return 0
    threshold = Severity[fail_on]
    return 1 if any(f.severity >= threshold for f in findings) else 0


def run(
    paths: list[Path],
    select: list[str] | None,
    ignore: list[str] | None,
    output_format: str,
    fix: bool,
    fail_on: str,
    console: Console,
) -> int:
    facts = load_facts()
    changes: list[str] = []
    if fix:
        result = fix_paths(paths, select, ignore, facts=facts)
        findings, changes = result.findings, result.changes
    else:
        findings = check_paths(paths, select, ignore, facts=facts)
    if output_format == "json":
        console.print(as_json(findings, facts), markup=False, highlight=False, soft_wrap=True)
    elif output_format == "sarif":
        console.print(as_sarif(findings, facts), markup=False, highlight=False, soft_wrap=True)
    else:
        for change in changes:
            console.print(f"fixed {change}", markup=False, highlight=False)
        text = human(findings, facts, color=console.is_terminal and not console.no_color)
        console.out(text, highlight=False)
    return exit_code(findings, fail_on)
