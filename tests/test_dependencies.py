"""The package's dependencies match its imports, and the one private copier name it uses
behaves as the code expects (copier is pinned below 10 for it)."""

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from zgscaffold.source import _git_url

REPO = Path(__file__).resolve().parents[1]
# Declared but not imported by src/, each for a reason.
NOT_IMPORTED: dict[str, str] = {}


def _imports() -> set[str]:
    """Top-level third-party modules src/zgscaffold imports at run time."""
    found: set[str] = set()
    for path in (REPO / "src" / "zgscaffold").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
            for node in ast.walk(block)
        }
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                found.add(node.module.split(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names} - {"zgscaffold"}


def test_every_import_is_declared_and_every_dependency_used() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    owners = packages_distributions()
    used = set()
    for module in _imports():
        dists = {canonicalize_name(d) for d in owners.get(module, [module])}
        assert dists & declared, f"src/ imports {module} but pyproject does not declare it"
        used |= dists & declared
    assert declared - used == set(NOT_IMPORTED)


def test_copier_private_get_repo_normalises_as_used() -> None:
    """`_git_url` uses copier._vcs.get_repo (no public equivalent): the URL copier hands to
    git, so a mirror's insteadOf matches it. These are the shapes zgscaffold records."""
    assert _git_url("gh:zgscaffold/zgscaffold") == "https://github.com/zgscaffold/zgscaffold.git"
    assert _git_url("https://github.com/a/b") == "https://github.com/a/b.git"
    assert _git_url("https://github.com/a/b.git") == "https://github.com/a/b.git"
    assert _git_url("/srv/template") == "/srv/template"  # a path: left as given
