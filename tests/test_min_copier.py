"""The oldest copier the template and the package claim to work with really renders them.

copier.yml's `_min_copier_version` and pyproject's copier lower bound name the
same release. Older ones fall short: 9.7 leaves defaults unvalidated (a bad
folder name became the Space name), 9.15 and older refuse choices without
naming the question, 9.6 and older render empty names.
"""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import REPO

RENDER = """
import sys, warnings, copier
warnings.simplefilter("ignore")
try:
    copier.run_copy(sys.argv[1], sys.argv[2], data={"space_title": "Min Copier"},
                    defaults=True, vcs_ref="HEAD", unsafe=False, quiet=True)
except ValueError as error:
    print(str(error).splitlines()[0])
    sys.exit(3)
"""


def min_copier() -> str:
    return str(yaml.safe_load((REPO / "copier.yml").read_text())["_min_copier_version"])


def test_pyproject_bound_is_the_template_minimum():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    (copier_dep,) = [dep for dep in project["dependencies"] if dep.startswith("copier")]
    lower = re.search(r">=([\d.]+)", copier_dep).group(1)
    assert min_copier().startswith(lower), (copier_dep, min_copier())


def _render(dest: Path, copier: str | None) -> subprocess.CompletedProcess:
    if copier is None:
        command = [sys.executable, "-c", RENDER]
    else:
        command = ["uv", "run", "--no-project", "--python", sys.executable]
        command += ["--with", f"copier=={copier}", "python", "-c", RENDER]
    return subprocess.run(
        [*command, str(REPO), str(dest)], capture_output=True, text=True, timeout=300
    )


def _files(root: Path) -> dict[str, str]:
    """The rendered files; the commit copier makes of a dirty checkout differs per render."""
    commit = str(yaml.safe_load((root / ".copier-answers.yml").read_text())["_commit"])
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8").replace(commit, "<commit>")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.lock
def test_oldest_copier_renders_what_the_newest_does(tmp_path):
    old = _render(tmp_path / "old" / "space", min_copier())
    assert old.returncode == 0, old.stderr + old.stdout
    new = _render(tmp_path / "new" / "space", None)
    assert new.returncode == 0, new.stderr + new.stdout
    old_files, new_files = _files(tmp_path / "old" / "space"), _files(tmp_path / "new" / "space")
    assert old_files == new_files
    answers = yaml.safe_load(old_files[".copier-answers.yml"])
    assert answers["space_name"] == "space"


@pytest.mark.lock
def test_oldest_copier_validates_defaults_and_names_the_question(tmp_path):
    bad = _render(tmp_path / "bad..name", min_copier())
    assert bad.returncode == 3, bad.stderr + bad.stdout
    assert "space_name" in bad.stdout and "'..'" in bad.stdout
    assert not (tmp_path / "bad..name").exists()
