"""The template source written into the answers file, and how it is overridden."""

import shutil
from pathlib import Path

import pytest
from update_repos import REPO, TEMPLATE_PARTS, answers_of

from zgscaffold import __version__
from zgscaffold.errors import BadInput
from zgscaffold.render import new_space
from zgscaffold.source import as_source


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
    assert answers["_commit"] == f"v{__version__}"
    assert answers["space_name"] == "s"  # the rest of the file is kept


def test_a_plain_folder_render_without_a_url_says_updates_will_not_work(plain_template, tmp_path):
    result = new_space(tmp_path / "s", template=str(plain_template), lock_deps=False)
    assert any("cannot update this Space" in note for note in result.notes)
    assert "_commit" not in answers_of(tmp_path / "s")
