"""Prebuilt CUDA wheels: which recorded file fits a torch x Python cell.

The choice itself is includes/wheels.jinja's, the macros copier.yml's questions
use: this module calls them through jinja2 with the template folder as loader,
so the CLI lists and explains the same choice copier makes, from one copy.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from packaging.version import InvalidVersion, Version

from zgscaffold.facts import Facts
from zgscaffold.paths import template_root

WHEEL_MARKER = "sys_platform == 'linux' and platform_machine == 'x86_64'"
MACROS = "includes/wheels.jinja"


@dataclass(frozen=True)
class Wheel:
    package: str
    file: str
    cell: str
    source: str
    url: str

    @property
    def requirement(self) -> str:
        return f"{self.package} @ {self.url} ; {WHEEL_MARKER}"


@cache
def _macros(root: Path) -> Any:
    """includes/wheels.jinja's macros, with the two filters it uses (copier has them)."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(root), autoescape=False)
    environment.filters["to_json"] = json.dumps
    environment.filters["from_json"] = json.loads
    return environment.get_template(MACROS).module


def macros() -> Any:
    return _macros(template_root())


def find(facts: Facts, package: str, torch: str, python: str) -> Wheel | None:
    """The first recorded wheel of `package` for torch major.minor x Python."""
    found = str(macros().find(facts.data, package, torch, python))
    return Wheel(**json.loads(found)) if found else None


def best_torch(
    facts: Facts, packages: list[str], python: str, sidecars: list[str] | None = None
) -> str | None:
    """The newest supported torch with a wheel of every package for this Python
    (and a build of every side-car)."""
    return str(macros().best_torch(facts.data, packages, python, sidecars or [])) or None


def combinations(facts: Facts, package: str) -> list[tuple[str, str]]:
    """Every supported (Python, torch) pair with a recorded wheel of `package`."""
    return [
        (python, torch)
        for python in facts.supported_python
        for torch in facts.supported_torch
        if find(facts, package, torch, python)
    ]


# --- recorded listings -------------------------------------------------------

_CELL = re.compile(r"^pt(?P<torch>\d+)-cu(?P<cuda>\d+)-cp(?P<py>\d+)$")


def parse_cell(cell_id: str) -> dict[str, str] | None:
    """Torch, CUDA and Python of a cell name such as pt291-cu128-cp310.

    A two-digit torch tail is a minor release (pt210 = 2.10) unless it starts
    with a digit above 1 (pt291 = 2.9.1).
    """
    match = _CELL.match(cell_id)
    if not match:
        return None
    t, c, p = match["torch"], match["cuda"], match["py"]
    tail = t[1:]
    torch_minor = tail if len(tail) == 1 or tail[0] == "1" else tail[0]
    return {
        "torch": f"{t[0]}.{torch_minor}",
        "cuda": f"{c[:-1]}.{c[-1]}",
        "python": f"{p[0]}.{p[1:]}",
    }


def _sort_key(file: str) -> tuple[str, Version]:
    dist, version = ([*file.split("-"), "0"])[:2]
    try:
        parsed = Version(version)
    except InvalidVersion:
        parsed = Version("0")
    return dist, parsed


def order_files(files: list[str]) -> list[str]:
    """Distributions by name, the newest release of each first: the first match wins."""
    newest_first = sorted(files, key=lambda file: _sort_key(file)[1], reverse=True)
    return sorted(newest_first, key=lambda file: _sort_key(file)[0])


def cells_from_repo_files(paths: list[str], prefix: str = "wheels/") -> dict[str, list[str]]:
    """Group a repository listing (`wheels/<cell>/<file>.whl`) into cells."""
    cells: dict[str, list[str]] = {}
    for path in paths:
        if not path.startswith(prefix) or not path.endswith(".whl"):
            continue
        parts = path[len(prefix) :].split("/")
        if len(parts) != 2:
            continue
        cells.setdefault(parts[0], []).append(parts[1])
    return {cell: order_files(files) for cell, files in sorted(cells.items())}
