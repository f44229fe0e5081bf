"""Every command the docs show works as written.

The commands are read from the fenced bash/sh/shell/console blocks of README.md, docs/ and
a freshly rendered Space's README.md. Ours (zgscaffold, `uvx zgscaffold...`, `uv tool install
zgscaffold`) run for real, in document order, from a folder outside any checkout, with
zgscaffold installed only from a package index on 127.0.0.1 that serves the sdist and wheel
built from this checkout. Any other command must be in RUN_ALSO or ALLOWED (with its
reason), so a new command cannot slip past."""

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from package_index import REPO, Index, package_index

from zgscaffold import lock

RELEASE = "0.1.0"
SPACE_PYTHON = "3.12"  # the default answer
# A fence may be indented (inside a list item).
FENCE = re.compile(r"^[ \t]*```(bash|sh|shell|console)[ \t]*\n(.*?)^[ \t]*```", re.M | re.S)

# Documented placeholders, and the local value each command runs with.
PLACEHOLDERS = {
    "your-name/my-space": "acme/my-space",
    "you/my-space": "acme/my-space",
    "path/to/space": ".",
    "other-space/app.py": "../other-space/app.py",
    "<previous>": RELEASE,  # docs/releasing.md: the release before the one being made
    "/tmp/old": "old",
}

# Where a document's commands start: its own folder, or a Space inside it.
START_IN = {"docs/checker.md": "my-space", "docs/updating.md": "my-space"}

# Commands that are not ours but cheap and local: they run too.
RUN_ALSO = {
    lock.lock_command(),
    "cd my-space",
    "cd /tmp/old && git init -q && git add -A && git commit -qm old",
}

# Shown, not run here, and why.
ALLOWED = {
    "pipx install zgscaffold": "pipx is not installed here; the same package as `uv tool install`",
    "uv tool install git+https://github.com/zgscaffold/zgscaffold": "needs GitHub",
    "copier copy gh:zgscaffold/zgscaffold my-space": "needs GitHub (tests/test_plain_copier.py"
    " runs plain copier on the local template)",
    "scripts/test": "runs in a clone: the whole suite",
    'git tag -a vX.Y.Z -m "zgscaffold X.Y.Z"': "a maintainer's release tag",
    "git push origin main vX.Y.Z": "pushes a release to GitHub",
    "zgscaffold publish [PATH] --space OWNER/NAME [--private] [--force] [--dry-run]": "a synopsis",
    "zgscaffold publish . --space you/my-space": "uploads to the Hub (tests/test_publish.py runs"
    " it against tests/hub_server.py)",
    "zgscaffold check hf://spaces/owner/name": "reads a Space on the Hub (tests/test_check_hub.py"
    " runs it against tests/hub_server.py)",
    "uv run python app.py": "starts the app's server (tests/e2e starts generated apps)",
    "GRADIO_CACHE_EXAMPLES=true GRADIO_CACHE_MODE=lazy uv run python app.py": "starts the app's"
    " server (tests/e2e)",
    "uv sync": "installs torch and the model's libraries (tests/e2e syncs generated Spaces)",
    "uv run pytest": "needs `uv sync` first (tests/e2e runs a generated Space's tests)",
    "git config --global url./srv/mirrors/zgscaffold.insteadOf"
    " https://github.com/zgscaffold/zgscaffold.git": "changes the user's global git config",
    "copier update --defaults": "needs the template repository (tests/update runs it against"
    " a local git daemon)",
    "copier update --defaults --data torch_version=2.10.0": "needs the template repository"
    " (tests/update)",
}
# `update` fetches the template's releases from GitHub; tests/update/test_installed.py and
# test_remote.py run it from the installed wheel against a local git daemon instead.
UPDATE_REASON = "fetches the template repository from GitHub (tests/update runs update locally)"

# Commands whose documented exit status is not 0 (none today: every shown one ends in 0).
EXIT: dict[str, int] = {}


@dataclass(frozen=True)
class Shown:
    source: str  # the Markdown file, relative to the repository or "space:README.md"
    command: str  # as written, without its trailing comment


def shown_commands(text: str, source: str) -> list[Shown]:
    """The commands of a Markdown text's shell blocks, continuation lines joined."""
    found: list[Shown] = []
    for match in FENCE.finditer(text):
        console = match.group(1) == "console"
        block = re.sub(r"\s*\\\n\s*", " ", match.group(2))
        for line in block.splitlines():
            line = line.strip()
            if console:
                if not line.startswith("$ "):
                    continue  # output
                line = line[2:]
            command = re.sub(r"\s+#\s.*$", "", line).strip()
            if command and not command.startswith("#"):
                found.append(Shown(source, command))
    return found


def doc_commands() -> list[Shown]:
    files = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
    return [c for f in files for c in shown_commands(f.read_text(), str(f.relative_to(REPO)))]


def kind(command: str) -> str:
    """Which program a command runs: zgscaffold, uvx, uv tool, uv, pipx, copier, git, ..."""
    words = command.split()
    while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
        words = words[1:]  # VAR=value before the program
    first = words[0] if words else command
    if first in ("uv", "hf") and len(words) > 1:
        return f"{first} {words[1]}"
    return first


def ours(command: str) -> bool:
    k = kind(command)
    return (
        k == "zgscaffold"
        or (k == "uvx" and command.split()[1].startswith("zgscaffold"))
        or (
            k == "uv tool"
            and command.split()[2:3] == ["install"]
            and command.split()[3] == "zgscaffold"
        )
    )


def plan(command: str) -> str | None:
    """None for a command that runs, else the reason it does not."""
    if command in ALLOWED:
        return ALLOWED[command]
    if re.search(r"(^|\s)update(\s|$)", command) and ours(command):
        return UPDATE_REASON
    if ours(command) or command in RUN_ALSO:
        return None
    raise AssertionError(
        f"{command!r} ({kind(command)}) is shown but neither run nor allow-listed: add it"
        " to RUN_ALSO or ALLOWED in tests/test_shown_commands.py"
    )


def test_every_shown_command_is_run_or_allow_listed() -> None:
    commands = doc_commands()
    assert any(c.command == "zgscaffold new my-space --defaults" for c in commands)
    for shown in commands:
        plan(shown.command)  # raises for an unknown command


def test_the_extractor_reads_blocks_prompts_and_continuations() -> None:
    text = (
        "```bash\nzgscaffold tasks   # list\n# a comment\nzgscaffold new a \\\n  --defaults\n```\n"
        "```console\n$ zgscaffold wheels\nsome output\n```\n```python\nprint()\n```\n"
        "1. In a list:\n\n   ```sh\n   zgscaffold check .\n   ```\n"
    )
    assert [c.command for c in shown_commands(text, "x")] == [
        "zgscaffold tasks",
        "zgscaffold new a --defaults",
        "zgscaffold wheels",
        "zgscaffold check .",
    ]
    assert kind("GRADIO_X=1 uv run python app.py") == "uv run"
    assert ours("uvx zgscaffold==0.1.0 check .") and not ours("uv tool install git+https://x")


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Iterator[Index]:
    with package_index(tmp_path_factory.mktemp("index"), RELEASE) as served:
        yield served


def _outside_env(index: Index, home: Path) -> dict[str, str]:
    """The user's environment, without this checkout: no venv, no checkout on PATH."""
    path = [
        p
        for p in os.environ["PATH"].split(os.pathsep)
        if not Path(p).resolve().is_relative_to(REPO)
    ]
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZGSCAFFOLD_", "VIRTUAL_ENV", "UV_", "HF_", "PYTEST", "COPIER_"))
    }
    # The Space's Python on PATH, as a user who has one installed has it (this machine's
    # pyenv shims fail for a version that is not pyenv's global one, so plain `uv lock`
    # would not find it; zgscaffold's own search looks past them).
    pythons = home / "python"
    pythons.mkdir()
    (pythons / f"python{SPACE_PYTHON}").symlink_to(lock.find_python(SPACE_PYTHON))
    env.update(
        index.uv_env(),
        PATH=os.pathsep.join([str(home / "bin"), str(pythons), *path]),
        UV_TOOL_DIR=str(home / "tools"),
        UV_TOOL_BIN_DIR=str(home / "bin"),
        UV_PYTHON_DOWNLOADS="never",
        HF_HUB_OFFLINE="1",  # nothing run here may reach the Hub
        HF_HOME=str(home / "hf"),
        # Who commits, as a user's git configuration says.
        GIT_AUTHOR_NAME="Ada",
        GIT_AUTHOR_EMAIL="ada@example.com",
        GIT_COMMITTER_NAME="Ada",
        GIT_COMMITTER_EMAIL="ada@example.com",
    )
    return env


def _substitute(command: str) -> str:
    for placeholder, value in PLACEHOLDERS.items():
        command = command.replace(placeholder, value)
    return command


@pytest.mark.e2e
@pytest.mark.lock
def test_every_shown_command_works_as_written(index, tmp_path_factory) -> None:
    home = tmp_path_factory.mktemp("home")
    env = _outside_env(index, home)
    assert shutil.which("zgscaffold", path=env["PATH"]) is None  # only the index's, later
    assert not any((folder / ".git").exists() for folder in [home, *home.parents])
    rendered: dict[str, Path] = {}  # `zgscaffold new X` already run: X's first render
    report: list[str] = []

    def run_all(commands: list[Shown], folder: Path) -> None:
        cwd = folder
        for shown in commands:
            reason = plan(shown.command)
            if reason is not None:
                report.append(f"allowed {shown.source}: {shown.command} ({reason})")
                continue
            command = _substitute(shown.command)
            if command.startswith("cd "):  # `cd X` or `cd X && more`: X for what follows
                where, _, command = command[3:].partition(" && ")
                cwd = cwd / where
                assert cwd.is_dir(), f"{shown.source}: cd {where}: no such folder"
                if not command:
                    continue
            new = re.match(r"zgscaffold new (\S+)", command)
            if new and command in rendered:  # the same command, already run: reuse its Space
                shutil.copytree(rendered[command], cwd / new.group(1), symlinks=True)
                report.append(f"reused  {shown.source}: {command}")
                continue
            result = subprocess.run(
                command, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=600
            )
            expected = EXIT.get(shown.command, 0)
            assert result.returncode == expected, (
                f"{shown.source}: `{shown.command}` exited {result.returncode}, documented"
                f" {expected}\n{result.stdout}\n{result.stderr}"
            )
            if new:
                rendered[command] = cwd / new.group(1)
            report.append(f"ran     {shown.source}: {command}")

    docs = doc_commands()
    for source in dict.fromkeys(c.source for c in docs):
        folder = home / "work" / source.replace("/", "-")
        folder.mkdir(parents=True)
        if source in START_IN:
            for name in (START_IN[source], "other-space"):
                shutil.copytree(
                    rendered["zgscaffold new my-space --defaults"], folder / name, symlinks=True
                )
            folder = folder / START_IN[source]
        run_all([c for c in docs if c.source == source], folder)
        if source == "README.md":
            tool = shutil.which("zgscaffold", path=env["PATH"])
            assert tool == str(home / "bin" / "zgscaffold"), tool
            version = subprocess.run(
                ["zgscaffold", "--version"], env=env, capture_output=True, text=True, check=True
            )
            assert RELEASE in version.stdout
    assert any(p.endswith(".whl") for p in index.served), index.served  # ours, from our index

    # A freshly rendered Space (README's `zgscaffold new my-space --defaults`): its README.
    space = rendered["zgscaffold new my-space --defaults"]
    space_commands = shown_commands((space / "README.md").read_text(), "space:README.md")
    assert f"uvx zgscaffold=={RELEASE} check ." in {c.command for c in space_commands}
    run_all(space_commands, space)
    shown = {c.command for c in [*docs, *space_commands]}
    assert not set(ALLOWED) - shown, f"allow-listed, no longer shown: {set(ALLOWED) - shown}"
    assert not RUN_ALSO - shown, f"listed to run, no longer shown: {RUN_ALSO - shown}"
    print("\n".join(report))
