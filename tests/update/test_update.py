"""`copier update` and `zgscaffold update` bring a release's rules and keep the owner's edits."""

import io
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner
from update_repos import (
    OWNER_TEXT,
    V1_TEXT,
    V2_TEXT,
    answers_of,
    commit_all,
    edit,
    files_of,
    git,
    markers_in,
)

from zgscaffold import lock
from zgscaffold.cli import app
from zgscaffold.errors import BadInput
from zgscaffold.render import new_space
from zgscaffold.update import conflicted_files, update_space

COPIER = str(Path(sys.executable).with_name("copier"))
runner = CliRunner()


def copier_update(space: Path, *args: str) -> subprocess.CompletedProcess:
    """Plain copier, as an owner without zgscaffold runs it (no --trust)."""
    return subprocess.run(
        [COPIER, "update", "--defaults", *args],
        cwd=space,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def zg_update(space: Path, *args: str):
    return runner.invoke(app, ["update", str(space), *args])


def assert_v2_with_owner_edits(space: Path) -> None:
    files = files_of(space)
    for name, text in V2_TEXT.items():
        assert text in files[name], f"v0.2.0's change is missing from {name}"
    for name, text in V1_TEXT.items():
        assert text not in files[name], f"{name} still has v0.1.0's {text!r}"
    for name, text in OWNER_TEXT.items():
        assert text in files[name], f"the owner's edit of {name} was lost"
    assert markers_in(space) == []
    answers = answers_of(space)
    assert answers["_commit"] == "v0.2.0"
    assert answers["torch_version"] == "2.11.0"  # still supported: the owner's pin stays
    assert answers["disable_embedding"] is False  # the new question took its default
    assert '"torch==2.11.0",' in files["pyproject.toml"]
    assert "disable_embedding" not in files["README.md"]
    hooks = yaml.safe_load(files[".pre-commit-config.yaml"])
    assert hooks["repos"][1]["rev"] == "v0.2.0"


def test_plain_copier_update_brings_v2_and_keeps_owner_edits(owned):
    result = copier_update(owned, "--vcs-ref", "v0.2.0")
    assert result.returncode == 0, result.stderr
    assert_v2_with_owner_edits(owned)
    # _message_after_update names the release and the versions now in use.
    assert '"chat-demo" now follows zgscaffold v0.2.0 (Python 3.12, torch 2.11.0)' in (
        result.stdout + result.stderr
    )


def test_zgscaffold_update_brings_v2_and_keeps_owner_edits(owned):
    result = zg_update(owned, "--no-lock", "--vcs-ref", "v0.2.0")
    assert result.exit_code == 0, result.output
    assert "from v0.1.0 to v0.2.0" in result.output
    for name in ("README.md", "app.py", "pyproject.toml"):
        assert f"changed {name}" in result.output
    assert "requirements.txt was not re-exported" in result.output
    assert_v2_with_owner_edits(owned)


@pytest.mark.lock
def test_zgscaffold_update_relocks_and_exports(owned):
    result = update_space(owned, vcs_ref="v0.2.0")
    assert result.locked
    assert_v2_with_owner_edits(owned)
    requirements = (owned / "requirements.txt").read_text()
    assert "\ntorch==2.11.0\n" in requirements
    assert "\nsentencepiece==" in requirements  # the owner's dependency, now locked
    assert "\nspaces==" not in requirements and "\ngradio==" not in requirements
    assert (owned / "uv.lock").is_file()
    # The Space's pre-commit hook exports exactly what zgscaffold wrote.
    commit_all(owned, "Update to v0.2.0")
    hooks = yaml.safe_load((owned / ".pre-commit-config.yaml").read_text())
    export = hooks["repos"][0]["hooks"][0]
    assert export["entry"] == shlex.join(["uv", *lock.export_args()])
    python = lock.find_python("3.12")  # the owner's own interpreter for the Space
    env = {**os.environ, "UV_PYTHON": str(python), "UV_PYTHON_DOWNLOADS": "never"}
    hook = [lock.uv_binary(), *shlex.split(export["entry"])[1:]]
    subprocess.run(hook, cwd=owned, check=True, env=env)
    assert git(owned, "status", "--porcelain") == ""


def test_colliding_edit_ends_in_markers_and_a_failing_exit(owned):
    edit(owned / "app.py", "skip_special_tokens=True)", "skip_special_tokens=False)")
    commit_all(owned, "Owner keeps special tokens")
    result = zg_update(owned, "--no-lock", "--vcs-ref", "v0.2.0")
    assert result.exit_code == 1, result.output
    assert "conflict markers in app.py" in result.output
    assert "Traceback" not in result.output
    app_py = (owned / "app.py").read_text()
    assert "<<<<<<< before updating" in app_py and ">>>>>>> after updating" in app_py
    assert "skip_special_tokens=False)" in app_py  # the owner's side is kept
    assert "skip_special_tokens=True, timeout=60.0)" in app_py  # and v0.2.0's
    assert OWNER_TEXT["app.py"] in app_py  # the unrelated edit merged cleanly
    assert markers_in(owned) == ["app.py"]


def test_plain_copier_exits_0_on_the_same_conflict(owned):
    """Why zgscaffold looks for markers: copier reports success."""
    edit(owned / "app.py", "skip_special_tokens=True)", "skip_special_tokens=False)")
    commit_all(owned, "Owner keeps special tokens")
    result = copier_update(owned, "--vcs-ref", "v0.2.0")
    assert result.returncode == 0
    assert markers_in(owned) == ["app.py"]
    assert conflicted_files(owned) == ["app.py"]  # what zgscaffold update reports


def test_an_answer_the_release_refuses_stops_the_update(owned):
    before = git(owned, "rev-parse", "HEAD")
    result = zg_update(owned, "--no-lock", "--vcs-ref", "v0.3.0")
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert message.startswith("error: torch_version 2.11.0 is no longer allowed by template v0.3.0")
    assert "'2.11.0' is not in" in message
    assert "zgscaffold update --data torch_version=2.12.0" in message
    assert "in a terminal to be asked" in message
    assert len(result.output.strip().splitlines()) == 1
    # Nothing was touched.
    assert git(owned, "status", "--porcelain") == ""
    assert git(owned, "rev-parse", "HEAD") == before
    assert answers_of(owned)["torch_version"] == "2.11.0"


def test_choosing_again_with_data_updates(owned):
    result = zg_update(owned, "--no-lock", "--vcs-ref", "v0.3.0", "--data", "torch_version=2.12.0")
    assert result.exit_code == 0, result.output
    assert answers_of(owned)["torch_version"] == "2.12.0"
    pyproject = (owned / "pyproject.toml").read_text()
    assert '"torch==2.12.0",' in pyproject
    assert OWNER_TEXT["pyproject.toml"] in pyproject


def test_a_data_value_the_release_refuses_is_named(owned):
    with pytest.raises(BadInput, match=r"^--data torch_version=2\.8\.0: '2\.8\.0' is not in"):
        update_space(owned, {"torch_version": "2.8.0"}, lock_deps=False, vcs_ref="v0.2.0")
    assert git(owned, "status", "--porcelain") == ""


def test_plain_copier_does_not_keep_a_refused_answer(owned):
    """copier drops the refused answer and takes the new default; it never keeps it."""
    result = copier_update(owned, "--vcs-ref", "v0.3.0")
    assert result.returncode == 0, result.stderr
    assert answers_of(owned)["torch_version"] == "2.12.0"
    assert "torch 2.12.0" in result.stdout + result.stderr  # said after the update


def test_update_across_a_new_question_changes_only_the_rules(pristine):
    """--defaults, no terminal: no prompt; the diff is exactly v0.2.0's rule changes."""
    result = copier_update(pristine, "--vcs-ref", "v0.2.0")
    assert result.returncode == 0, result.stderr
    assert answers_of(pristine)["disable_embedding"] is False
    changed = git(pristine, "diff", "--name-only").split()
    assert changed == [
        ".copier-answers.yml",
        ".pre-commit-config.yaml",
        "README.md",
        "app.py",
        "pyproject.toml",
    ]
    lines = [
        line
        for line in git(
            pristine, "diff", "-U0", "--", "README.md", "app.py", "pyproject.toml"
        ).splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert sorted(lines) == sorted(
        [
            "+startup_duration_timeout: 1h",
            "-    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, "
            "skip_special_tokens=True)",
            "+    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, "
            "skip_special_tokens=True, timeout=60.0)",
            "-duration-cap = 120",
            "+duration-cap = 150",
            # The README's commands pin the release the Space now follows.
            "-uvx zgscaffold==0.1.0 check .",
            "+uvx zgscaffold==0.2.0 check .",
            "-uvx zgscaffold==0.1.0 update",
            "+uvx zgscaffold==0.2.0 update",
        ]
    )


def test_updating_v1_converges_on_a_fresh_v2_render(pristine, template_repo, tmp_path):
    recorded = {k: v for k, v in answers_of(pristine).items() if not k.startswith("_")}
    result = zg_update(pristine, "--no-lock", "--vcs-ref", "v0.2.0")
    assert result.exit_code == 0, result.output
    fresh = tmp_path / "fresh" / "chat-demo"
    new_space(fresh, recorded, template=str(template_repo), vcs_ref="v0.2.0", lock_deps=False)
    assert files_of(pristine) == files_of(fresh)
    updated, made = answers_of(pristine), answers_of(fresh)
    assert updated.pop("_src_path") == made.pop("_src_path") == str(template_repo)
    assert updated == made


def test_update_refuses_what_it_cannot_update(owned, tmp_path):
    (owned / "app.py").write_text("print('unsaved')\n")
    with pytest.raises(BadInput, match="has uncommitted changes: commit or stash them"):
        update_space(owned, lock_deps=False)
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(BadInput, match=r"has no \.copier-answers\.yml"):
        update_space(plain, lock_deps=False)
    result = zg_update(tmp_path / "missing")
    assert result.exit_code == 2 and "is not a folder" in result.output
    (plain / ".copier-answers.yml").write_text((owned / ".copier-answers.yml").read_text())
    with pytest.raises(BadInput, match="is not in a git repository: `git init` and commit it"):
        update_space(plain, lock_deps=False)


def test_a_relative_template_path_is_refused(owned):
    answers = owned / ".copier-answers.yml"
    text = answers.read_text()
    recorded = answers_of(owned)["_src_path"]
    answers.write_text(text.replace(f"_src_path: {recorded}", "_src_path: ../zgscaffold"))
    commit_all(owned, "A relative source")
    with pytest.raises(BadInput, match=r"records the relative template path _src_path: \.\./zgs"):
        update_space(owned, lock_deps=False)


def test_data_must_be_key_value(owned):
    result = zg_update(owned, "--no-lock", "--data", "torch_version")
    assert result.exit_code == 2
    assert "--data 'torch_version' is not KEY=VALUE" in result.output


def test_on_a_terminal_only_the_refused_and_new_questions_are_asked(owned):
    import pexpect

    child = pexpect.spawn(
        str(Path(sys.executable).with_name("zgscaffold")),
        ["update", str(owned), "--no-lock", "--vcs-ref", "v0.3.0"],
        env={**os.environ, "TERM": "xterm", "COLUMNS": "200"},
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 200),
    )
    child.logfile_read = transcript = io.StringIO()
    child.expect("torch_version 2.11.0 is no longer allowed")
    asked = []
    while True:
        index = child.expect(["Updated", r"embedded in other sites\?", r"Which torch release\?"])
        if index == 0:
            break
        asked.append(index)
        child.sendline("")  # take the default
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert set(asked) == {1, 2}  # disable_embedding (new) and torch_version (refused)
    for kept in ("Which kind of app", "Which model", "Which Python"):
        assert kept not in transcript.getvalue()  # recorded answers are not asked again
    answers = answers_of(owned)
    assert answers["torch_version"] == "2.12.0"
    assert answers["disable_embedding"] is False
    assert answers["task"] == "text-generation"
