"""ZG9xx: the Space's files themselves (after an update, and the modules its app imports)."""

import ast
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from zgscaffold.check.model import Finding, Rule, Severity
from zgscaffold.check.space import TextFile

if TYPE_CHECKING:
    from zgscaffold.check.rules.base import Project

FAMILY = "the Space's files"
RULES = (
    Rule("ZG901", Severity.error, "no leftover merge conflict markers"),
    Rule("ZG902", Severity.info, "every module of the Space that the app imports is found"),
)


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
    yield from missing_modules(project)


def missing_modules(project: "Project") -> Iterator[Finding]:
    """ZG902: a relative import, or one into a package folder of the Space, that names no
    file there. The checker cannot follow it, so the rules do not see that code."""
    root = project.space.root
    if root is None:
        return
    known = {info.mod.module for info in project.infos}
    try:  # the Space's own top-level modules and packages, read once
        with os.scandir(root) as entries:  # d_type: no stat per entry
            heads = {
                entry.name.removesuffix(".py")
                for entry in entries
                if entry.name.endswith(".py")
                or (entry.is_dir() and os.path.isfile(os.path.join(entry.path, "__init__.py")))
            }
    except OSError:
        heads = set()

    def found(dotted: str) -> bool:
        path = root.joinpath(*dotted.split("."))
        return dotted in known or path.with_suffix(".py").is_file() or path.is_dir()

    for info in project.infos:
        package = info.mod.module.rpartition(".")[0]
        for node in info.nodes:  # imports anywhere, in functions too
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            wanted: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.level:
                parts = package.split(".") if package else []
                keep = len(parts) - (node.level - 1)
                if keep < 0:
                    wanted = ["." * node.level + (node.module or "")]
                else:
                    base = ".".join([*parts[:keep], *([node.module] if node.module else [])])
                    wanted = [base] if base else [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                wanted = [node.module]
            elif isinstance(node, ast.Import):
                wanted = [alias.name for alias in node.names]
            for dotted in wanted:
                head = dotted.split(".")[0]
                relative = isinstance(node, ast.ImportFrom) and node.level > 0
                if (relative or head in heads) and not found(dotted.lstrip(".") or head):
                    yield Finding(
                        "ZG902",
                        info.name,
                        node.lineno,
                        node.col_offset + 1,
                        f"`{dotted}` is imported from the Space but no file of the Space is that "
                        f"module, so the checker cannot read it: add the file, or fix the import",
                    )
