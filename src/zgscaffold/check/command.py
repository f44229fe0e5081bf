"""What `zgscaffold check` prints and its exit code; cli.py only parses the flags."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from zgscaffold.check.engine import check_paths
from zgscaffold.check.fix import fix_paths
from zgscaffold.check.model import Finding, Severity
from zgscaffold.check.output import as_json, as_sarif, human
from zgscaffold.facts import load_facts

if TYPE_CHECKING:
    from rich.console import Console  # the CLI's; only .file, .is_terminal, .no_color are used


def exit_code(findings: list[Finding], fail_on: str) -> int:
    if fail_on == "never":
        return 0
    threshold = Severity[fail_on]
    return 1 if any(f.severity >= threshold for f in findings) else 0


def run(
    paths: list[Path | str],
    select: list[str] | None,
    ignore: list[str] | None,
    output_format: str,
    fix: bool,
    fail_on: str,
    console: "Console",
) -> int:
    facts = load_facts()
    changes: list[str] = []
    if fix:
        result = fix_paths(paths, select, ignore, facts=facts)
        findings, changes = result.findings, result.changes
    else:
        findings = check_paths(paths, select, ignore, facts=facts)
    if output_format != "human":  # keep stdout machine-readable; say what --fix changed
        for change in changes:
            sys.stderr.write(f"fixed {change}\n")
    if output_format == "json":
        text = as_json(findings, facts)
    elif output_format == "sarif":
        text = as_sarif(findings, facts)
    else:
        lines = [f"fixed {change}" for change in changes]
        lines.append(human(findings, facts, color=console.is_terminal and not console.no_color))
        text = "\n".join(lines)
    console.file.write(text + "\n")  # plain text: rich's rendering is slow for many lines
    console.file.flush()
    return exit_code(findings, fail_on)
