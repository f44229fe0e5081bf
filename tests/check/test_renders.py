"""Every render of the template answer matrix passes `zgscaffold check` with zero findings."""

import shutil
from pathlib import Path

import pytest
import yaml
from space_fixtures import root_conftest

from zgscaffold.check import check_paths, fix_paths
from zgscaffold.facts import load_facts

ROOT = root_conftest()
REPO, answer_matrix, matrix_id = ROOT.REPO, ROOT.answer_matrix, ROOT.matrix_id
MATRIX = answer_matrix(load_facts(REPO / "facts" / "zerogpu.yml"))


@pytest.fixture
def first_render(matrix_render) -> Path:
    """The first cell's render, shared with tests/test_render_matrix.py (tests/conftest.py)."""
    return matrix_render(MATRIX[0]).project_dir


# One test per cell, so that pytest-xdist spreads them (the renders are shared).
@pytest.mark.parametrize("answers", MATRIX, ids=[matrix_id(a) for a in MATRIX])
def test_every_render_has_zero_findings(answers, matrix_render, facts) -> None:
    path = matrix_render(answers).project_dir
    found = [f"{f.code} {f.path}:{f.line} {f.message}" for f in check_paths([path], facts=facts)]
    assert found == []


@pytest.mark.parametrize("answers", MATRIX, ids=[matrix_id(a) for a in MATRIX])
def test_opt_in_size_advice_is_the_only_finding_with_all_rules(
    answers, matrix_render, facts
) -> None:
    space = matrix_render(answers)
    codes = {f.code for f in check_paths([space.project_dir], select=["ALL"], facts=facts)}
    assert codes == ({"ZG303"} if space.answers["gpu_size"] == "xlarge" else set())


def test_fix_leaves_a_render_untouched(first_render, facts, tmp_path) -> None:
    # A copy: the render is shared (and cached), and a regression must not rewrite it.
    path = Path(shutil.copytree(first_render, tmp_path / first_render.name))
    before = {p: p.read_bytes() for p in path.rglob("*") if p.is_file()}
    result = fix_paths([path], facts=facts)
    assert result.changes == [] and result.findings == []
    assert before == {p: p.read_bytes() for p in path.rglob("*") if p.is_file()}


def test_the_space_pre_commit_hook_id_exists_in_the_repo(first_render) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    ids = {hook["id"] for hook in hooks}
    config = yaml.safe_load((first_render / ".pre-commit-config.yaml").read_text())
    referenced = {
        hook["id"] for repo in config["repos"] if repo["repo"] != "local" for hook in repo["hooks"]
    }
    assert referenced == {"zgscaffold-check"}
    assert referenced <= ids
    hook = next(h for h in hooks if h["id"] == "zgscaffold-check")
    assert hook["entry"].startswith("zgscaffold check") and hook["pass_filenames"] is False
