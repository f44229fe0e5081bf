"""`check_paths`: run every enabled rule over Spaces and files; the checker's Python API."""

import dataclasses
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path

from zgscaffold.check import rules
from zgscaffold.check.model import Finding
from zgscaffold.check.pyscope import analyze, link
from zgscaffold.check.rules.base import Project
from zgscaffold.check.settings import Settings, enabled, space_settings, validate_codes
from zgscaffold.check.space import (
    Space,
    display,
    exists,
    has_space_files,
    is_dir,
    read_file,
    read_space,
)
from zgscaffold.check.suppress import is_suppressed
from zgscaffold.errors import BadInput
from zgscaffold.facts import Facts, load_facts

PER_WORKER = 50  # fewer paths than this per worker are checked in this process


def _space_findings(space: Space, facts: Facts, settings: Settings) -> Iterator[Finding]:
    yield from space.problems
    yield from settings.problems
    infos = [analyze(module) for module in space.modules]
    decorators = {
        f"{info.mod.module}.{name}": decorator
        for info in infos
        for name, decorator in info.decorators.items()
    }
    qualified: set[str] = set()  # filled as modules are linked; shared by all of them
    for info in infos:
        link(info, decorators, qualified)
        qualified |= {f"{info.mod.module}.{name}" for gpu in info.gpu for name in gpu.names}
    yield from rules.run(Project(space, facts, settings, infos))


def _read(path: Path, base: Path) -> Space:
    if is_dir(path):
        return read_space(path, base)
    return read_file(path)


def _check_one(
    path: Path,
    facts: Facts,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    base: Path,
    label: str | None = None,
) -> list[Finding]:
    """The Space's findings; a failure of the checker itself on this Space is a ZG900
    finding with what was found before it, so the other Spaces are still checked.
    `label` names a Space fetched from the Hub (hf://spaces/...): its findings are
    named as paths in that Space, and point to no local file."""
    found: list[Finding] = []
    try:
        _check_space(path, facts, select, ignore, path if label else base, found)
    except Exception as error:  # a checker bug: report it, go on
        where = label or display(path, base)
        found.append(
            Finding(
                "ZG900",
                where,
                1,
                1,
                f"the checker failed on {where} ({type(error).__name__}: "
                f"{str(error)[:200]}); the rest of this Space was not checked: please report "
                f"it with the file that caused it",
            )
        )
    if label is not None:
        from zgscaffold.check.hub import hub_name

        found = [dataclasses.replace(f, path=hub_name(f.path, label), file=None) for f in found]
    return found


def _check_space(
    path: Path,
    facts: Facts,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    base: Path,
    found: list[Finding],
) -> None:
    space = _read(path, base)
    settings = space_settings(
        space.pyproject_data,
        facts.duration_cap,
        space.pyproject.name if space.pyproject else "pyproject.toml",
    )
    chosen = select or settings.select
    dropped = settings.ignore + ignore
    files = {file.name: file for file in space.text_files}
    for finding in _space_findings(space, facts, settings):
        if not enabled(finding.code, chosen, dropped):
            continue
        file = files.get(finding.path)
        if file is not None and is_suppressed(finding, file.lines):
            continue
        column = finding.column
        if file is not None and finding.code != "ZG900" and file.name.endswith(".py"):
            column = file.char_column(finding.line, column)  # ast counts UTF-8 bytes
        found.append(dataclasses.replace(finding, column=column, file=file.path if file else None))


def _check_chunk(
    args: tuple[list[Path], Facts, tuple[str, ...], tuple[str, ...], Path, dict[Path, str]],
) -> list[Finding]:
    paths, facts, select, ignore, base, labels = args
    return [
        f for path in paths for f in _check_one(path, facts, select, ignore, base, labels.get(path))
    ]


def check_paths(
    paths: Iterable[Path | str],
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    *,
    facts: Facts | None = None,
    jobs: int | None = None,
) -> list[Finding]:
    """Findings of every enabled rule over Space folders, single files and Spaces on
    the Hub (hf://spaces/OWNER/NAME[@REVISION], see check/hub.py), sorted.

    `select`/`ignore` take codes or prefixes (ZG3, ZG301, ALL) and override the
    `[tool.zgscaffold]` settings of each Space. Many paths are spread over `jobs`
    worker processes (default: the CPU count). Raises BadInput for a missing path,
    an unknown code or a Hub Space that cannot be read.
    """
    facts = facts or load_facts()
    cli_select = tuple(validate_codes(list(select or []), "--select"))
    cli_ignore = tuple(validate_codes(list(ignore or []), "--ignore"))
    base = Path.cwd()
    given = list(paths)
    hub_ids = [raw for raw in given if isinstance(raw, str) and raw.startswith("hf://")]
    todo = [Path(raw) for raw in given if raw not in hub_ids]
    for path in todo:
        if not exists(path):
            raise BadInput(f"{path}: no such file or folder: give a Space folder or a file in it")
        if is_dir(path) and not has_space_files(path):
            raise BadInput(
                f"{path}: not a Space: it has no README.md and no Python file; give the "
                f"Space's folder (the one with README.md and app.py)"
            )
    with ExitStack() as stack:
        labels: dict[Path, str] = {}
        if hub_ids:
            from zgscaffold.check import hub

            for raw in hub_ids:
                where = hub.parse(raw)
                scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="zgscaffold-"))
                folder = hub.fetch(where, Path(scratch))
                labels[folder] = where.label
                todo.append(folder)
        findings = _check_all(todo, facts, cli_select, cli_ignore, base, labels, jobs)
    unique = {(f.code, f.path, f.line, f.column, f.message): f for f in findings}
    return sorted(unique.values(), key=Finding.sort_key)


def _check_all(
    todo: list[Path],
    facts: Facts,
    cli_select: tuple[str, ...],
    cli_ignore: tuple[str, ...],
    base: Path,
    labels: dict[Path, str],
    jobs: int | None,
) -> list[Finding]:
    workers = min(jobs or os.cpu_count() or 1, max(1, len(todo) // PER_WORKER))
    findings: list[Finding] = []
    if workers > 1:
        size = -(-len(todo) // (workers * 4))
        chunks = [
            (todo[i : i + size], facts, cli_select, cli_ignore, base, labels)
            for i in range(0, len(todo), size)
        ]
        import multiprocessing  # only for many Spaces: its import costs a one-Space run
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for part in pool.map(_check_chunk, chunks):
                findings.extend(part)
    else:
        findings = _check_chunk((todo, facts, cli_select, cli_ignore, base, labels))
    return findings
