"""Lock a rendered Space with uv and export requirements.txt from the lock."""

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

from zgscaffold.errors import BadInput, RenderFailed
from zgscaffold.facts import load_facts


def export_args() -> list[str]:
    """uv's arguments for the one export command a Space's README names (facts:
    project.export_command); re-running it reproduces requirements.txt."""
    return shlex.split(load_facts().model.project.export_command)[1:]  # after "uv"


def lock_command() -> str:
    """What the owner runs after changing dependencies: lock, then export."""
    return f"uv lock && {load_facts().model.project.export_command}"


PYTHON_ENV = "ZGSCAFFOLD_PYTHON_{}"  # e.g. ZGSCAFFOLD_PYTHON_3_12=/usr/bin/python3.12


def uv_binary() -> str:
    try:
        from uv import find_uv_bin

        return find_uv_bin()
    except (ImportError, FileNotFoundError):
        found = shutil.which("uv")
        if found:
            return found
    raise RenderFailed("uv is not installed: install it (pip install uv) or render with --no-lock")


def _version_of(interpreter: Path) -> str | None:
    try:
        result = subprocess.run(
            [str(interpreter), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def _candidates(version: str) -> list[Path]:
    env = os.environ.get(PYTHON_ENV.format(version.replace(".", "_")))
    found = [Path(env)] if env else []
    uv = subprocess.run(
        [uv_binary(), "python", "find", "--no-python-downloads", version],
        capture_output=True,
        text=True,
    )
    if uv.returncode == 0 and uv.stdout.strip():
        found.append(Path(uv.stdout.strip()))
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if pyenv.is_dir():
        pattern = re.compile(rf"^{re.escape(version)}\.\d+$")
        for entry in sorted(pyenv.iterdir(), reverse=True):
            if pattern.match(entry.name):
                found.append(entry / "bin" / "python")
    for name in (f"python{version}", "python3"):
        which = shutil.which(name)
        if which:
            found.append(Path(which))
    return found


def find_python(version: str) -> Path:
    """An installed interpreter of `version`; finding one never downloads anything."""
    for candidate in _candidates(version):
        if candidate.is_file() and _version_of(candidate) == version:
            return candidate
    raise BadInput(
        f"python_version {version}: no installed Python {version} found to lock with; "
        f"install one with `uv python install {version}` (or set "
        f"{PYTHON_ENV.format(version.replace('.', '_'))} to its path), or pass --no-lock"
    )


def _run_uv(args: list[str], cwd: Path, frozen: bool = False) -> None:
    env = {**os.environ, "UV_NO_PROGRESS": "1"}
    if frozen:
        env["UV_FROZEN"] = "1"
    result = subprocess.run([uv_binary(), *args], cwd=cwd, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        reason = lines[-1].strip() if lines else f"exit {result.returncode}"
        raise RenderFailed(f"uv {args[0]} failed in {cwd.name}: {reason}")


def lock(space: Path, python: Path) -> None:
    _run_uv(["lock", "--python", str(python)], space)


def export(space: Path) -> None:
    # UV_FROZEN rather than --frozen: uv writes its arguments into the file's
    # header, which must read as the command the Space's README gives.
    _run_uv(export_args(), space, frozen=True)
