"""Fixtures of the update tests: the template repository and Spaces made from it."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from git_daemon import git_daemon
from update_repos import GIT_ENV, OWNER_EDITS, build_template_repo, commit_all, edit, git, render_v1


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch, tmp_path_factory):
    """Identity for commits, and a copier mirror cache of our own."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("COPIER_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "copier-cache"))
    for key in ("ZGSCAFFOLD_TEMPLATE", "ZGSCAFFOLD_TEMPLATE_URL", "ZGSCAFFOLD_TEMPLATE_MIRROR"):
        monkeypatch.delenv(key, raising=False)


@pytest.fixture(scope="session")
def template_repo(tmp_path_factory) -> Path:
    """A git repository of the template with tags v0.1.0, v0.2.0 and v0.3.0."""
    return build_template_repo(tmp_path_factory.mktemp("template") / "zgscaffold")


@pytest.fixture(scope="session")
def remote(tmp_path_factory, template_repo) -> Iterator[str]:
    """The template's releases as a bare repository behind `git daemon`: its git:// URL."""
    root = tmp_path_factory.mktemp("remote")
    git(root, "clone", "-q", "--bare", str(template_repo), str(root / "zgscaffold.git"))
    with git_daemon(root) as base:
        yield f"{base}/zgscaffold.git"


@pytest.fixture(scope="session")
def pristine_v1(tmp_path_factory, template_repo) -> Path:
    """A committed v0.1.0 Space with default answers, untouched by its owner."""
    return render_v1(tmp_path_factory.mktemp("pristine") / "chat-demo", template_repo)


@pytest.fixture(scope="session")
def owned_v1(tmp_path_factory, pristine_v1) -> Path:
    """The same Space after its owner edited app.py, README.md and pyproject.toml."""
    space = tmp_path_factory.mktemp("owned") / "chat-demo"
    shutil.copytree(pristine_v1, space, symlinks=True)
    for name, old, new in OWNER_EDITS:
        edit(space / name, old, new)
    commit_all(space, "Owner's edits")
    return space


@pytest.fixture
def owned(tmp_path, owned_v1) -> Path:
    """A fresh copy of the owner's Space for one test to update."""
    space = tmp_path / "chat-demo"
    shutil.copytree(owned_v1, space, symlinks=True)
    return space


@pytest.fixture
def pristine(tmp_path, pristine_v1) -> Path:
    space = tmp_path / "chat-demo"
    shutil.copytree(pristine_v1, space, symlinks=True)
    return space
