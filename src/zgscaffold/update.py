"""Update a Space to a newer template release: the Python API behind `zgscaffold update`.

copier's update does the three-way merge. Around it this module:
- refuses early, in one line, what copier would refuse with a traceback (no
  answers file, not a git repository, uncommitted changes);
- never lets an answer the new release no longer allows be replaced silently
  (copier drops such an answer and, with --defaults, takes the new default);
- looks for conflict markers afterwards (copier exits 0 on conflicts);
- re-locks and re-exports requirements.txt, then runs the Space checks.
"""

import os
import re
import subprocess
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import copier
from copier.errors import UserMessageError

from zgscaffold import lock, source
from zgscaffold.errors import BadInput, RenderFailed, ZgError
from zgscaffold.render import dry_copy

Progress = Callable[[str], None]
MARKERS = re.compile(r"^(<<<<<<< |>>>>>>> )", re.MULTILINE)
_FAILED_KEY = re.compile(r"^(?:Validation error for question|Invalid choice for) '([^']+)': (.*)")


class UpdateConflicts(ZgError):
    """The update left conflict markers; the owner resolves them by hand."""

    exit_code = 1

    def __init__(self, files: list[str]) -> None:
        self.files = files
        super().__init__(
            f"the update left conflict markers in {', '.join(files)}: keep what you need "
            f"between <<<<<<< before updating and >>>>>>> after updating, delete the markers, "
            f"then run `{lock.lock_command()}` and commit"
        )


@dataclass
class UpdateResult:
    path: Path
    from_version: str
    to_version: str
    answers: dict[str, Any]
    changed: list[str]
    locked: bool
    notes: list[str] = field(default_factory=list)


def parse_data(pairs: list[str] | None) -> dict[str, str]:
    """`KEY=VALUE` strings as copier data; copier casts each by its question's type."""
    data = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise BadInput(f"--data {pair!r} is not KEY=VALUE: write e.g. --data task=custom")
        data[key.strip()] = value
    return data


def _git(space: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=space, capture_output=True, text=True)
    except FileNotFoundError:
        raise BadInput("git is not installed: install git, which copier needs to update") from None
    if result.returncode != 0:
        raise RenderFailed(f"git {args[0]} failed in {space}: {result.stderr.strip()}")
    return result.stdout


def _check_space(space: Path) -> dict[str, Any]:
    if not space.is_dir():
        raise BadInput(f"{space} is not a folder: give the path of a Space made by zgscaffold")
    answers = source.read_answers(space)
    try:
        _git(space, "rev-parse", "--is-inside-work-tree")
    except RenderFailed:
        raise BadInput(
            f"{space} is not in a git repository: `git init` and commit it, then update"
        ) from None
    if _git(space, "status", "--porcelain", "--", ".").strip():
        raise BadInput(f"{space} has uncommitted changes: commit or stash them, then update")
    if not answers.get("_src_path") or not answers.get("_commit"):
        raise BadInput(
            f"{space / source.ANSWERS_FILE} records no template git source and tag "
            f"(_src_path, _commit): add them, e.g. _src_path: {source.template_url()} "
            f"and _commit: {source.release_ref()}, commit, then update"
        )
    src = str(answers["_src_path"])
    if not source.is_url(src) and not Path(src).expanduser().is_absolute():
        raise BadInput(
            f"{space / source.ANSWERS_FILE} records the relative template path _src_path: {src}, "
            f"which copier resolves against the folder it runs in: write an absolute path or a "
            f"git URL, commit, then update"
        )
    return answers


def _user_answers(answers: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in answers.items() if not key.startswith("_")}


def _rehearse(
    src: str, answers: dict[str, Any], vcs_ref: str | None
) -> tuple[str, dict[str, Any], dict[str, str]]:
    """Ask the new release's questions with the recorded answers, writing nothing.

    Returns the release's version, the answers it would record, and for each
    answer it refuses, copier's reason. Refused answers are dropped one at a
    time (copier stops at the first), so the answers returned hold the
    defaults that would replace them.
    """
    refused: dict[str, str] = {}
    data = dict(answers)
    with tempfile.TemporaryDirectory(prefix="zgscaffold-rehearsal-") as scratch:
        while True:
            try:
                worker = dry_copy(src, Path(scratch) / "space", data, vcs_ref)
            except ValueError as error:
                match = _FAILED_KEY.match(str(error).splitlines()[0])
                if not match or match.group(1) not in data:
                    raise BadInput(str(error).splitlines()[0]) from error
                refused[match.group(1)] = match.group(2)
                del data[match.group(1)]
                continue
            # Both were read while the template was checked out (copier caches them).
            version = str(worker.template.commit or worker.template.version)
            kept = {
                key: value
                for key, value in worker.answers.user.items()
                if key not in worker.answers.hidden
            }
            return version, kept, refused


def _refusal(
    refused: dict[str, str], answers: dict[str, Any], suggested: dict[str, Any], version: str
) -> str:
    parts = []
    for key, reason in refused.items():
        new = suggested.get(key)
        choose = f"zgscaffold update --data {key}={_as_data(new)}" if new is not None else ""
        parts.append(
            f"{key} {_as_data(answers[key])} is no longer allowed by template {version} "
            f"({reason}); choose again with `{choose or f'zgscaffold update --data {key}=...'}` "
            f"or run `zgscaffold update` in a terminal to be asked"
        )
    return "; ".join(parts)


def _as_data(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ",".join(str(item) for item in value) + "]"
    return str(value)


def fetch_failure(src: str, mirror: str | None, error: Exception) -> ZgError | None:
    """One line for a git command copier ran that could not reach the template source."""
    from plumbum import ProcessExecutionError

    if not isinstance(error, ProcessExecutionError) or "git" not in str(error.argv[:1]):
        return None
    lines = [line.strip() for line in str(error.stderr or "").splitlines() if line.strip()]
    fatal = next((line for line in lines if line.startswith("fatal:")), "")
    reason = fatal.removeprefix("fatal:").strip().rstrip(":") or f"git exit {error.retcode}"
    where = f"{src} (through the mirror {mirror})" if mirror else src
    return RenderFailed(
        f"cannot fetch the template source {where}: {reason}; check the network and the "
        f"URL, or fetch it from a reachable mirror or clone with `zgscaffold update --mirror URL`"
    )


def _check_answers(
    src: str,
    recorded: dict[str, Any],
    data: dict[str, Any],
    vcs_ref: str | None,
    mirror: str | None = None,
) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The target version and the recorded answers it refuses, with their new defaults."""
    try:
        version, kept, refused = _rehearse(src, {**recorded, **data}, vcs_ref)
    except UserMessageError as error:
        raise BadInput(f"template {src}: {error}") from error
    except ZgError:
        raise
    except Exception as error:  # copier raises many types; none may leak as a traceback
        failure = fetch_failure(src, mirror, error)
        if failure is not None:
            raise failure from None
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise RenderFailed(f"copier could not read the template {src}: {first}") from error
    for key in refused:
        if key in data:  # the owner's own --data value: say so plainly
            raise BadInput(f"--data {key}={data[key]}: {refused[key]}")
    for key, value in recorded.items():
        # A multiselect drops choices that left the list without raising.
        if key not in data and key in kept and kept[key] != value:
            refused.setdefault(key, f"now {_as_data(kept[key])}")
    return version, refused, {key: kept.get(key) for key in refused}


def _changed_files(space: Path) -> list[str]:
    """Files under `space` that differ from HEAD, relative to `space`."""
    lines = _git(space, "status", "--porcelain", "--untracked-files=all", "--", ".").splitlines()
    top = Path(_git(space, "rev-parse", "--show-toplevel").strip())
    names = (line[3:].split(" -> ")[-1].strip('"') for line in lines)
    return sorted(str((top / name).relative_to(space.resolve())) for name in names)


def conflicted_files(space: Path) -> list[str]:
    """Files the update left unmerged or holding conflict markers."""
    unmerged = _git(space, "diff", "--name-only", "--relative", "--diff-filter=U", "--", ".")
    found = set(unmerged.split())
    for name in _changed_files(space):
        path = space / name
        if path.is_file() and MARKERS.search(path.read_text(encoding="utf-8", errors="replace")):
            found.add(name)
    return sorted(found)


def run_checks(space: Path) -> list[str]:
    """Run `zgscaffold check` on the updated Space; each finding comes back as a note.

    Findings are notes, not a failure: the merge is already written, and a newer
    template release may follow newer platform facts than this zgscaffold knows.
    """
    from zgscaffold.check import check_paths

    notes = []
    for finding in check_paths([space]):
        name = finding.path
        if finding.file is not None and finding.file.is_relative_to(space):
            name = finding.file.relative_to(space).as_posix()
        notes.append(
            f"{name}:{finding.line}:{finding.column}: {finding.code} "
            f"({finding.severity.label}) {finding.message}"
        )
    if notes:
        notes.append("run `zgscaffold check` after fixing these, then commit")
    return notes


def update_space(
    path: Path,
    data: dict[str, Any] | None = None,
    *,
    interactive: bool = False,
    lock_deps: bool = True,
    vcs_ref: str | None = None,
    mirror: str | None = None,
    progress: Progress | None = None,
) -> UpdateResult:
    """Bring the Space at `path` to the newest template release (or `vcs_ref`).

    Keeps every recorded answer the release still allows; `data` changes answers.
    Raises BadInput before touching anything when the release refuses a recorded
    answer (unless `interactive`, where copier asks again), and UpdateConflicts
    after the merge when conflict markers are left.
    """
    space = Path(path).absolute()
    step = progress or (lambda _message: None)
    data = dict(data or {})
    recorded = _check_space(space)
    answers = _user_answers(recorded)
    src = str(recorded["_src_path"])
    with source.mirrored(src, mirror), warnings.catch_warnings():
        warnings.simplefilter("ignore", copier.errors.DirtyLocalWarning)
        step(f"Reading the template ({src})")
        mirror = mirror or os.environ.get(source.MIRROR_ENV)
        version, refused, suggested = _check_answers(src, answers, data, vcs_ref, mirror)
        if refused and not interactive:
            raise BadInput(_refusal(refused, answers, suggested, version))
        for key in refused:
            was = _as_data(answers[key])
            step(f"{key} {was} is no longer allowed ({refused[key]}): choose again")
        step(f"Updating from {recorded['_commit']} to {version}")
        try:
            worker = copier.run_update(
                space,
                data=data,
                defaults=not interactive,
                skip_answered=interactive,
                overwrite=True,
                quiet=True,
                conflict="inline",
                vcs_ref=vcs_ref,
                unsafe=False,
            )
        except ValueError as error:
            raise BadInput(str(error).splitlines()[0]) from error
        except UserMessageError as error:
            raise BadInput(f"{space}: {error}") from error
        except KeyboardInterrupt as error:
            raise ZgError("cancelled; check `git status` in the Space") from error
        except Exception as error:  # copier raises many types; none may leak as a traceback
            failure = fetch_failure(src, mirror, error)
            if failure is not None:
                raise failure from None
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise RenderFailed(f"copier could not update {space}: {first}") from error
    del worker
    new_answers = _user_answers(source.read_answers(space))
    conflicts = conflicted_files(space)
    if conflicts:
        raise UpdateConflicts(conflicts)
    notes = []
    if lock_deps:
        python = lock.find_python(str(new_answers["python_version"]))
        step(f"Locking dependencies with uv (Python {new_answers['python_version']})")
        lock.lock(space, python)
        step("Exporting requirements.txt from the lock")
        lock.export(space)
    else:
        notes.append(f"requirements.txt was not re-exported; run: {lock.lock_command()}")
    notes.extend(run_checks(space))
    return UpdateResult(
        path=space,
        from_version=str(recorded["_commit"]),
        to_version=version,
        answers=new_answers,
        changed=_changed_files(space),
        locked=lock_deps,
        notes=notes,
    )
