"""The hub_owner and github_actions answers: badge, workflow, and old answers staying valid."""

import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from zgscaffold.cli import app

runner = CliRunner()
BADGE = "duplicate-this-space"


def new(tmp_path, name: str, *flags: str):
    dest = tmp_path / name
    result = runner.invoke(app, ["new", str(dest), "--defaults", "--no-lock", *flags])
    assert result.exit_code == 0, result.output
    return dest


def test_owner_gives_a_duplicate_badge_for_the_space_itself(tmp_path, facts):
    dest = new(tmp_path, "my-chat", "--hub-owner", "acme-labs")
    readme = (dest / "README.md").read_text()
    link = facts.data["hub"]["duplicate"].format(space="acme-labs/my-chat")
    assert f"]({link})" in readme
    assert "OWNER" not in readme


def test_without_owner_there_is_no_badge_and_no_placeholder(tmp_path):
    readme = (new(tmp_path, "my-chat") / "README.md").read_text()
    assert BADGE not in readme
    assert "OWNER" not in readme
    assert "\n\n\n" not in readme


@pytest.mark.parametrize(
    "owner", ["acme labs", "acme/labs", "-acme", "acme-", "ac--me", "ac..me", "x" * 97]
)
def test_bad_owner_is_refused_with_one_line(tmp_path, owner):
    result = runner.invoke(
        app, ["new", str(tmp_path / "s"), "--defaults", "--no-lock", "--hub-owner", owner]
    )
    assert result.exit_code == 2, result.output
    assert "hub_owner" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_default_answers_add_no_workflow(tmp_path):
    dest = new(tmp_path, "plain")
    assert not (dest / ".github").exists()
    assert "Sync from GitHub" not in (dest / "README.md").read_text()


@pytest.mark.parametrize("owner", ["", "acme"])
def test_github_actions_adds_a_check_and_sync_workflow(tmp_path, owner):
    dest = new(tmp_path, "synced", "--github-actions", *(["--hub-owner", owner] if owner else []))
    workflow = yaml.safe_load((dest / ".github" / "workflows" / "zerogpu.yml").read_text())
    on = workflow[True]  # YAML 1.1 reads the bare key `on` as a boolean
    assert on["push"]["branches"] == ["main"]
    check_steps = " ".join(step.get("run", "") for step in workflow["jobs"]["check"]["steps"])
    assert "zgscaffold check ." in check_steps
    sync = workflow["jobs"]["sync"]
    assert sync["needs"] == "check"
    assert "refs/heads/main" in sync["if"]
    assert sync["env"]["HF_TOKEN"] == "${{ secrets.HF_TOKEN }}"
    expected = "${{ vars.HF_SPACE_ID || 'acme/synced' }}" if owner else "${{ vars.HF_SPACE_ID }}"
    assert sync["env"]["SPACE_ID"] == expected
    upload = sync["steps"][-1]["run"]
    assert 'hf upload "$SPACE_ID" . . --repo-type space' in upload
    assert "Sync from GitHub" in (dest / "README.md").read_text()


def any_ref(text: str) -> str:
    """`text` with the zgscaffold ref it names (a hook's rev, a `@ref` in a URL) masked."""
    return re.sub(r"(@|rev: )[0-9A-Za-z._-]+", r"\1REF", text)


def test_an_answers_file_from_before_the_new_questions_renders_the_same(tmp_path, template_copy):
    """Old answers files lack hub_owner and github_actions; their defaults change nothing."""
    import copier

    from zgscaffold import source

    made = new(tmp_path, "space")
    answers = yaml.safe_load((made / ".copier-answers.yml").read_text())
    now = {k: v for k, v in answers.items() if not k.startswith("_")}
    old = {k: v for k, v in now.items() if k not in ("hub_owner", "github_actions")}
    # Both by plain copier from the same plain copy of the template (a render from
    # git records the commit, a new one for each render of a dirty checkout).
    release = {"zgscaffold_release": source.release_ref()}
    first, again = tmp_path / "now" / "space", tmp_path / "again" / "space"
    for dest, data in ((first, now), (again, old)):
        copier.run_copy(
            str(template_copy), dest, data={**data, **release}, defaults=True, quiet=True
        )
    for path in first.rglob("*"):
        if path.is_file() and path.name != ".copier-answers.yml":
            assert (again / path.relative_to(first)).read_bytes() == path.read_bytes(), path
            # and `zgscaffold new` wrote what plain copier renders from those answers,
            # but for the ref it names (the checkout's commit; a release ref here)
            written = (made / path.relative_to(first)).read_text()
            assert any_ref(written) == any_ref(path.read_text()), path
    assert files(again) == files(first)
    assert files(made) == files(first), "zgscaffold new wrote other files than copier renders"


def files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
