"""Render a Space from the template: the Python API behind `zgscaffold new`."""

import os
import re
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import copier

from zgscaffold import lock
from zgscaffold import source as origin
from zgscaffold.errors import BadInput, RenderFailed, ZgError
from zgscaffold.paths import bundled_template, template_root

Progress = Callable[[str], None]


@dataclass
class RenderResult:
    path: Path
    answers: dict[str, Any]
    locked: bool
    notes: list[str] = field(default_factory=list)


NAME_MAX = 255  # bytes in one path component on the usual file systems


def check_destination(dest: Path) -> None:
    """Refuse, before anything is written, a destination `new` cannot fill."""
    if dest.is_symlink() and not dest.exists():
        raise BadInput(
            f"destination {dest} is a symbolic link to nothing: remove the link or choose a "
            f"new folder name"
        )
    if dest.exists() and not dest.is_dir():
        raise BadInput(f"destination {dest} is a file: choose a new folder name")
    try:
        if dest.is_dir() and any(dest.iterdir()):
            raise BadInput(
                f"destination {dest} is not empty: choose a new folder or empty it first"
            )
    except PermissionError:
        raise BadInput(f"destination {dest} cannot be read: choose a folder you own") from None
    size = len(os.fsencode(dest.name))
    if size > NAME_MAX:
        raise BadInput(
            f"destination folder name is {size} bytes long, over the {NAME_MAX}-byte limit of "
            f"file names: choose a shorter folder name"
        )
    existing = _nearest_existing(dest.parent)
    if not existing.is_dir():
        raise BadInput(
            f"destination {dest} lies under {existing}, which is a file: choose a folder "
            f"under a directory"
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise BadInput(
            f"cannot create {dest}: {existing} is not writable for you; choose a folder "
            f"you can write to"
        )


def _nearest_existing(folder: Path) -> Path:
    """`folder` or its closest ancestor that exists (a dangling link counts as a file)."""
    while not folder.exists() and not folder.is_symlink() and folder != folder.parent:
        folder = folder.parent
    return folder


def _make_parents(folder: Path) -> Path | None:
    """Create `folder` and its missing parents; return the topmost one created."""
    top = None
    missing = folder
    while not missing.exists():
        top = missing
        missing = missing.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        if top is not None:
            shutil.rmtree(top, ignore_errors=True)
        raise BadInput(
            f"cannot create {folder}: {error.strerror}; choose a folder you can write to"
        ) from None
    return top


def _copy(
    src: str, dest: Path, data: dict[str, Any], defaults: bool, vcs_ref: str | None
) -> dict[str, Any]:
    try:
        with warnings.catch_warnings():
            # A template checkout with uncommitted changes is normal while developing it.
            warnings.simplefilter("ignore", copier.errors.DirtyLocalWarning)
            worker = copier.run_copy(
                src,
                dest,
                data=data,
                defaults=defaults,
                quiet=True,
                vcs_ref=vcs_ref,
                unsafe=False,
            )
    except ValueError as error:  # copier's validators and invalid choices
        message = str(error).splitlines()[0]
        # Our validators name the answer themselves; drop copier's prefix.
        raise BadInput(re.sub(r"^Validation error for question '\w+': ", "", message)) from error
    except KeyboardInterrupt as error:
        raise ZgError("cancelled; nothing was written") from error
    except Exception as error:  # copier raises many types; none may leak as a traceback
        raise RenderFailed(f"copier could not render the template: {error}") from error
    return dict(worker.answers.user)


def dry_copy(src: str, dest: Path, data: dict[str, Any], vcs_ref: str | None) -> Any:
    """copier's pretend render with `data` as every answer: validates, writes nothing."""
    return copier.run_copy(
        src, dest, data=data, defaults=True, pretend=True, quiet=True, vcs_ref=vcs_ref, unsafe=False
    )


def _recheck(src: str, scratch: Path, answers: dict[str, Any], vcs_ref: str | None) -> None:
    """Validate the whole answer set given at the prompts, as the flags would be.

    A dry run (copier's pretend mode) with every answer passed as data, so each
    validator sees the final answers; raises BadInput before anything is moved
    into place.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", copier.errors.DirtyLocalWarning)
            dry_copy(src, scratch.parent / "recheck" / scratch.name, answers, vcs_ref)
    except ValueError as error:
        message = str(error).splitlines()[0]
        message = re.sub(r"^Validation error for question '\w+': ", "", message)
        raise BadInput(
            f"{message} (as answered at the prompts): run `zgscaffold new` again and choose "
            f"another answer; nothing was written"
        ) from error


def new_space(
    dest: Path,
    data: dict[str, Any] | None = None,
    *,
    defaults: bool = True,
    lock_deps: bool = True,
    template: str | None = None,
    vcs_ref: str | None = None,
    template_url: str | None = None,
    progress: Progress | None = None,
) -> RenderResult:
    """Render, lock and export a Space into `dest`, or leave nothing behind.

    Everything happens in a scratch folder beside `dest`, which is moved into
    place only once complete. `template_url` (or ZGSCAFFOLD_TEMPLATE_URL) is the
    git source written into the answers file for `copier update`; a render of
    the bundled template records the canonical one and this release's tag.
    """
    dest = Path(dest).absolute()
    check_destination(dest)
    step = progress or (lambda _message: None)
    created = _make_parents(dest.parent)
    try:
        # A short prefix: the scratch folder's name must fit where dest's name fits.
        scratch_root = Path(tempfile.mkdtemp(prefix=".zgscaffold-", dir=dest.parent))
    except OSError as error:
        if created is not None:
            shutil.rmtree(created, ignore_errors=True)
        raise BadInput(
            f"cannot write in {dest.parent}: {error.strerror}; choose a folder you can write to"
        ) from None
    scratch = scratch_root / dest.name
    source = template or str(template_root())
    if vcs_ref is None and (Path(source) / ".git").exists():
        vcs_ref = "HEAD"  # a checkout renders its working tree, not its newest tag
    moved = False
    try:
        step("Rendering the template")
        data = {"zgscaffold_release": origin.release_ref(), **(data or {})}
        recorded_source = _source_to_record(source, template_url, implicit=template is None)
        data["zgscaffold_source"] = recorded_source or ""
        answers = _copy(source, scratch, data, defaults, vcs_ref)
        if not defaults:  # copier skips validators on choices picked at a prompt
            _recheck(source, scratch, answers, vcs_ref)
        notes = _source_notes(scratch, source, recorded_source, str(data["zgscaffold_release"]))
        if lock_deps:
            python = lock.find_python(answers["python_version"])
            step(f"Locking dependencies with uv (Python {answers['python_version']})")
            lock.lock(scratch, python)
            step("Exporting requirements.txt from the lock")
            lock.export(scratch)
        else:
            notes.append("requirements.txt lists the direct dependencies only until you lock")
        if dest.is_dir():
            dest.rmdir()  # empty, checked above
        shutil.move(str(scratch), dest)
        moved = True
    finally:
        shutil.rmtree(scratch_root, ignore_errors=True)
        if not moved and created is not None:
            shutil.rmtree(created, ignore_errors=True)  # parents this call made
    return RenderResult(path=dest, answers=answers, locked=lock_deps, notes=notes)


def _is_git(src: str) -> bool:
    return origin.is_url(src) or (Path(src) / ".git").exists()


def _source_to_record(src: str, template_url: str | None, implicit: bool) -> str | None:
    """The git source the answers file should name for `copier update`, where it is
    not what copier records itself (the answers file template writes it).

    The bundled template and the checkout this package runs from (`uv run
    zgscaffold new` in a clone) record the canonical source (or the one given);
    a `--template` the user named is kept as given.
    """
    explicit = template_url or os.environ.get(origin.TEMPLATE_URL_ENV)
    bundled = Path(src).resolve() == bundled_template().resolve()
    if explicit or (implicit and _is_git(src)) or bundled:
        return origin.template_url(template_url)
    return None


def _source_notes(space: Path, src: str, recorded_source: str | None, release: str) -> list[str]:
    """What the recorded source and ref mean for updates: a ref no remote has (an
    untagged or dirty checkout, a dev build), or no git source at all."""
    recorded = origin.read_answers(space)
    if _is_git(src):  # copier rendered a git checkout and recorded its ref
        return _checkout_notes(src, str(recorded["_commit"]))
    if recorded_source:
        note = origin.release_note() if release == origin.release_ref() else None
        return [note] if note else []
    return [
        f"the template {src} is not a git repository, so `copier update` cannot update this "
        f"Space; render from a git clone or pass --template-url to record one"
    ]


def _checkout_notes(src: str, commit: str) -> list[str]:
    """Say when a checkout's render records a ref that no remote can serve."""
    if origin.is_url(src):
        return []

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=src, capture_output=True, text=True)

    try:
        dirty = bool(git("status", "--porcelain").stdout.strip())
        tagged = git("describe", "--tags", "--exact-match", "HEAD").returncode == 0
    except OSError:  # git not on PATH: nothing to say
        return []
    if dirty:
        return [
            f"the template checkout {src} has uncommitted changes: the Space records "
            f"{commit}, a commit made for this render only, so `zgscaffold update` cannot "
            f"find it; commit and tag the template, then render again"
        ]
    if not tagged:
        return [
            f"the template checkout {src} is at an untagged commit: the Space records "
            f"{commit}, which `zgscaffold update` reaches only once it is pushed to the "
            f"recorded source; render from a release tag for updates from tag to tag"
        ]
    return []
