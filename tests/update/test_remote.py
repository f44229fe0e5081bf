"""Update from a real remote (a bare repository with release tags behind `git daemon`),
for each way a Space is made; an unreachable source is one line naming it and the fix."""

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner
from update_repos import (
    OWNER_EDITS,
    OWNER_TEXT,
    V2_TEXT,
    answers_of,
    commit_all,
    edit,
    files_of,
    git,
)

from zgscaffold.cli import app
from zgscaffold.render import new_space
from zgscaffold.source import template_url

runner = CliRunner()
COPIER = str(Path(sys.executable).with_name("copier"))


def _own_and_update(space: Path, *flags: str) -> None:
    git(space, "init", "-q", "-b", "main")
    commit_all(space, "Space")
    for name, old, new in OWNER_EDITS:
        edit(space / name, old, new)
    commit_all(space, "Owner's edits")
    result = runner.invoke(
        app, ["update", str(space), "--defaults", "--no-lock", "--vcs-ref", "v0.2.0", *flags]
    )
    assert result.exit_code == 0, result.output
    files = files_of(space)
    for name, text in V2_TEXT.items():
        assert text in files[name], name
    for name, text in OWNER_TEXT.items():
        assert text in files[name], name
    assert answers_of(space)["_commit"] == "v0.2.0"


def test_a_clone_render_updates_from_the_canonical_source_through_a_mirror(
    remote, tmp_path, monkeypatch
):
    """`uv run zgscaffold new` in a clone: the canonical URL is recorded; --mirror serves it."""
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--branch", "v0.1.0", remote, str(clone))
    monkeypatch.setenv("ZGSCAFFOLD_TEMPLATE", str(clone))
    space = new_space(tmp_path / "chat-demo", lock_deps=False).path
    monkeypatch.delenv("ZGSCAFFOLD_TEMPLATE")
    assert answers_of(space)["_src_path"] == template_url()
    assert answers_of(space)["_commit"] == "v0.1.0"
    _own_and_update(space, "--mirror", remote)
    assert answers_of(space)["_src_path"] == template_url()


def test_a_plain_copier_copy_of_the_url_updates_from_it(remote, tmp_path):
    space = tmp_path / "chat-demo"
    result = subprocess.run(
        [COPIER, "copy", "--defaults", "--vcs-ref", "v0.1.0", remote, str(space)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert answers_of(space)["_src_path"] == remote
    _own_and_update(space)


def test_an_unreachable_source_is_one_line_naming_it_and_the_mirror(remote, tmp_path):
    from git_daemon import free_port

    space = tmp_path / "chat-demo"
    new_space(space, template=remote, vcs_ref="v0.1.0", lock_deps=False)
    gone = f"git://127.0.0.1:{free_port()}/zgscaffold.git"
    answers = space / ".copier-answers.yml"
    answers.write_text(answers.read_text().replace(remote, gone))
    git(space, "init", "-q", "-b", "main")
    commit_all(space, "Space whose template moved")
    result = runner.invoke(app, ["update", str(space), "--defaults", "--no-lock"])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert gone in lines[0] and "--mirror" in lines[0]
    assert "Traceback" not in result.output and "fatal:" not in result.output
