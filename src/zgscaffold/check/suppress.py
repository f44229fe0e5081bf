"""Per-line suppression: `# zg: ignore[ZG301]`, `# zg: ignore[ZG3, ZG502]` or `# zg: ignore`."""

import re

from zgscaffold.check.model import Finding

_COMMENT = re.compile(r"#\s*zg:\s*ignore(?:\[([A-Za-z0-9,\s]*)\])?", re.IGNORECASE)


def suppressed_codes(line: str) -> set[str] | None:
    """Codes the line suppresses; {"ALL"} for a bare `# zg: ignore`; None when none."""
    match = _COMMENT.search(line)
    if match is None:
        return None
    if match.group(1) is None:
        return {"ALL"}
    return {code.strip().upper() for code in match.group(1).split(",") if code.strip()}


def is_suppressed(finding: Finding, lines: list[str]) -> bool:
    if finding.code == "ZG900" or not 1 <= finding.line <= len(lines):
        return False
    codes = suppressed_codes(lines[finding.line - 1])
    if not codes:
        return False
    return "ALL" in codes or any(finding.code.startswith(code) for code in codes)
