"""The template source written into the answers file, and how it is overridden."""

import shutil
from pathlib import Path

import pytest
from update_repos import REPO, TEMPLATE_PARTS, answers_of, git

from zgscaffold.errors import BadInput
from zgscaffold.render import new_space
from zgscaffold.source import as_source, release_note, release_ref, template_url


def test_paths_become_absolute_and_urls_stay(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert as_source("mirrors/zgscaffold") == str(tmp_path / "mirrors" / "zgscaffold")
    for url in (
        "https://github.com/zgscaffold/zgscaffold.git",
        "git+file:///srv/mirrors/zgscaffold",
        "gh:zgscaffold/zgscaffold",
        "git@github.com:zgscaffold/zgscaffold.git",
    ):
        assert as_source(url) == url
    with pytest.raises(BadInput, match="the template URL is empty"):
        as_source("  ")


@pytest.fixture
def plain_template(tmp_path) -> Path:
    """The template as a plain folder (no git), like an unpacked archive."""
    folder = tmp_path / "unpacked"
    folder.mkdir()
    for part in TEMPLATE_PARTS:
        if (REPO / part).is_dir():
            shutil.copytree(REPO / part, folder / part)
        else:
            shutil.copy2(REPO / part, folder / part)
    return folder


def test_a_plain_folder_render_with_a_url_records_it(plain_template, tmp_path, monkeypatch):
    monkeypatch.setenv("ZGSCAFFOLD_TEMPLATE_URL", "git+file:///srv/mirrors/zgscaffold")
    new_space(tmp_path / "s", template=str(plain_template), lock_deps=False)
    answers = answers_of(tmp_path / "s")
    assert answers["_src_path"] == "git+file:///srv/mirrors/zgscaffold"
    assert answers["_commit"] == release_ref()
    assert answers["space_name"] == "s"  # the rest of the file is kept


def test_a_plain_folder_render_without_a_url_says_updates_will_not_work(plain_template, tmp_path):
    result = new_space(tmp_path / "s", template=str(plain_template), lock_deps=False)
    assert any("cannot update this Space" in note for note in result.notes)
    assert "_commit" not in answers_of(tmp_path / "s")


def test_a_release_records_its_tag_and_a_dev_build_its_commit():
    assert release_ref("0.3.1") == "v0.3.1"
    assert release_note("0.3.1") is None
    dev = "0.3.2.dev4+g1a2b3c4d.d20261202"  # hatch-vcs: 4 commits after v0.3.1, dirty
    assert release_ref(dev) == "1a2b3c4d"
    note = release_note(dev)
    assert note is not None and "not a tagged release" in note and "1a2b3c4d" in note


def test_a_dev_build_render_says_its_ref_is_no_tag(plain_template, tmp_path, monkeypatch):
    monkeypatch.setenv("ZGSCAFFOLD_TEMPLATE_URL", "git+file:///srv/mirrors/zgscaffold")
    result = new_space(tmp_path / "s", template=str(plain_template), lock_deps=False)
    expected = [release_note()] if release_note() else []
    assert [n for n in result.notes if "tagged release" in n] == expected


@pytest.fixture
def clone(template_repo, tmp_path) -> Path:
    """A clone of the template at its release v0.1.0, used as `uv run zgscaffold new` uses it."""
    folder = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(template_repo), str(folder))
    git(folder, "checkout", "-q", "v0.1.0")
    return folder


def _new_from(clone: Path, dest: Path, monkeypatch) -> list[str]:
    monkeypatch.setenv("ZGSCAFFOLD_TEMPLATE", str(clone))  # template_root(): the clone
    return new_space(dest, lock_deps=False).notes


def test_a_clone_render_records_the_canonical_source_not_the_clone(clone, tmp_path, monkeypatch):
    notes = _new_from(clone, tmp_path / "s", monkeypatch)
    answers = answers_of(tmp_path / "s")
    assert answers["_src_path"] == template_url()  # reachable after the clone moves
    assert answers["_commit"] == "v0.1.0"
    assert notes == ["requirements.txt lists the direct dependencies only until you lock"]


def test_a_dirty_clone_render_says_its_ref_exists_nowhere(clone, tmp_path, monkeypatch):
    (clone / "facts" / "zerogpu.yml").write_text(
        (clone / "facts" / "zerogpu.yml").read_text() + "# local change\n"
    )
    notes = _new_from(clone, tmp_path / "s", monkeypatch)
    assert any("has uncommitted changes" in note and str(clone) in note for note in notes)


def test_an_untagged_clone_render_says_so(clone, tmp_path, monkeypatch):
    git(clone, "commit", "-q", "--allow-empty", "-m", "work after the release")
    notes = _new_from(clone, tmp_path / "s", monkeypatch)
    assert any("untagged commit" in note for note in notes)
    assert answers_of(tmp_path / "s")["_commit"] != "v0.1.0"


def test_a_release_render_pins_that_release_everywhere(clone, tmp_path, monkeypatch):
    """README, pre-commit config and workflow name zgscaffold==0.1.0, never a bare name."""
    monkeypatch.setenv("ZGSCAFFOLD_TEMPLATE", str(clone))
    space = new_space(tmp_path / "s", {"github_actions": True}, lock_deps=False).path
    readme = (space / "README.md").read_text()
    workflow = (space / ".github" / "workflows" / "zerogpu.yml").read_text()
    hooks = (space / ".pre-commit-config.yaml").read_text()
    assert "uvx zgscaffold==0.1.0 check ." in readme
    assert "uvx zgscaffold==0.1.0 update" in readme
    assert "run: uvx zgscaffold==0.1.0 check ." in workflow
    assert "rev: v0.1.0\n" in hooks
    for text in (readme, workflow):
        assert "uvx zgscaffold " not in text  # a bare name: whoever registers it runs here


def test_an_untagged_render_pins_its_commit_of_the_template_repo(clone, tmp_path, monkeypatch):
    git(clone, "commit", "-q", "--allow-empty", "-m", "work after the release")
    monkeypatch.setenv("ZGSCAFFOLD_TEMPLATE", str(clone))
    space = new_space(tmp_path / "s", {"github_actions": True}, lock_deps=False).path
    commit = str(answers_of(space)["_commit"])
    repo = template_url().removesuffix(".git")
    workflow = (space / ".github" / "workflows" / "zerogpu.yml").read_text()
    assert f"run: uvx --from git+{repo}@{commit} zgscaffold check ." in workflow
    assert f"rev: {commit}\n" in (space / ".pre-commit-config.yaml").read_text()
