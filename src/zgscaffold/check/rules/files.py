"""ZG9xx: the Space's files themselves (after an update, and the modules its app imports)."""

from collections.abc import Iterator
from typing import TYPE_CHECKING

from zgscaffold.check.model import Finding, Rule, Severity
from zgscaffold.check.space import TextFile

if TYPE_CHECKING:
    from zgscaffold.check.rules.base import Project

FAMILY = "the Space's files"
RULES = (Rule("ZG901", Severity.error, "no leftover merge conflict markers"),)


def conflict_markers(file: TextFile) -> Iterator[Finding]:
    """ZG901: `<<<<<<< `, then `=======`, then `>>>>>>> ` lines left by a merge."""
    if "<<<<<<< " not in file.text:
        return
    start = middle = None
    for number, line in enumerate(file.text.splitlines(), start=1):
        if line.startswith("<<<<<<< "):
            start, middle = number, None
        elif line.startswith("=======") and start is not None:
            middle = number
        elif line.startswith(">>>>>>> ") and start is not None and middle is not None:
            yield Finding(
                "ZG901",
                file.name,
                start,
                1,
                f"conflict markers left from a merge (lines {start}-{number}): keep the right "
                f"side, delete the markers",
            )
            start = middle = None


def check(project: "Project") -> Iterator[Finding]:
    for file in project.space.text_files:
        yield from conflict_markers(file)
