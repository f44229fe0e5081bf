"""Findings as human text (colored, grouped by file), JSON or SARIF 2.1.0."""

from collections.abc import Iterable
from typing import Any

import zgscaffold
from zgscaffold.check.model import UNREADABLE, Finding, Severity, lookup, rule_url
from zgscaffold.check.rules import BY_CODE
from zgscaffold.facts import Facts

COLORS = {Severity.error: "31", Severity.warning: "33", Severity.info: "36"}


def _url(code: str, facts: Facts) -> str:
    project = facts.data["project"]
    return rule_url(code, str(project["docs_url"]), str(project["rule_page"]))


def _paint(text: str, code: str, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color else text


def summary(findings: list[Finding]) -> str:
    if not findings:
        return "No ZeroGPU rule violations found."
    counts = {s: sum(1 for f in findings if f.severity == s) for s in Severity}
    parts = [
        f"{counts[s]} {s.label}{'s' if counts[s] != 1 else ''}"
        for s in sorted(Severity, reverse=True)
        if counts[s]
    ]
    files = len({f.path for f in findings})
    fixable = sum(1 for f in findings if f.fix is not None)
    text = f"Found {len(findings)} finding{'s' if len(findings) != 1 else ''} ({', '.join(parts)}) "
    text += f"in {files} file{'s' if files != 1 else ''}."
    if fixable:
        text += f" {fixable} fixable with `zgscaffold check --fix`."
    return text


def human(findings: list[Finding], facts: Facts, color: bool = False) -> str:
    out: list[str] = []
    current = None
    for finding in findings:
        if finding.path != current:
            if current is not None:
                out.append("")
            current = finding.path
            out.append(_paint(finding.path, "1", color))
        severity = finding.severity
        where = f"{finding.line}:{finding.column}"
        out.append(
            f"  {where:>7} {_paint(finding.code, '1;' + COLORS[severity], color)} "
            f"{_paint(severity.label, COLORS[severity], color):<7} {finding.message}"
        )
        out.append(f"          {_paint(_url(finding.code, facts), '2', color)}")
    if findings:
        out.append("")
    out.append(_paint(summary(findings), "1", color) if findings else summary(findings))
    return "\n".join(out)


def as_dicts(findings: Iterable[Finding], facts: Facts) -> list[dict[str, Any]]:
    return [
        {
            "code": f.code,
            "severity": f.severity.label,
            "path": f.path,
            "line": f.line,
            "column": f.column,
            "message": f.message,
            "url": _url(f.code, facts),
            "fix": f.fix.description if f.fix else None,
        }
        for f in findings
    ]


def as_json(findings: list[Finding], facts: Facts) -> str:
    import json

    return json.dumps(as_dicts(findings, facts), indent=2, ensure_ascii=False)


SARIF_LEVEL = {Severity.error: "error", Severity.warning: "warning", Severity.info: "note"}


def as_sarif(findings: list[Finding], facts: Facts) -> str:
    codes = sorted([*BY_CODE, UNREADABLE.code])
    index = {code: i for i, code in enumerate(codes)}
    rules = [
        {
            "id": code,
            "name": code,
            "shortDescription": {"text": lookup(code).summary},
            "helpUri": _url(code, facts),
            "defaultConfiguration": {"level": SARIF_LEVEL[lookup(code).severity]},
        }
        for code in codes
    ]
    results = [
        {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path.replace("\\", "/")},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
        }
        for f in findings
    ]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "zgscaffold",
                        "version": zgscaffold.__version__,
                        "informationUri": str(facts.data["project"]["docs_url"]),
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    import json

    return json.dumps(log, indent=2, ensure_ascii=False)
