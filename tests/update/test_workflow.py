"""A generated Space's GitHub workflow runs as written: its `run:` steps, with the pinned
zgscaffold release served from a package index on 127.0.0.1 (a PEP 503 folder over HTTP)."""

import os
import subprocess
from collections.abc import Iterator

import pytest
import yaml
from package_index import Index, package_index
from update_repos import git

from zgscaffold.render import new_space

RELEASE = "0.1.0"


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Iterator[Index]:
    """The package built as release 0.1.0, behind a PEP 503 index on 127.0.0.1."""
    with package_index(tmp_path_factory.mktemp("index"), RELEASE) as served:
        yield served


def _steps(workflow: dict, job: str) -> list[str]:
    return [step["run"] for step in workflow["jobs"][job]["steps"] if "run" in step]


@pytest.mark.lock
def test_the_workflow_run_steps_work_with_the_pinned_release(
    index, template_repo, tmp_path, monkeypatch
):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--branch", "v0.1.0", str(template_repo), str(clone))
    monkeypatch.setenv("ZGSCAFFOLD_TEMPLATE", str(clone))
    space = new_space(tmp_path / "demo", {"github_actions": True, "hub_owner": "acme"}).path
    workflow = yaml.safe_load((space / ".github" / "workflows" / "zerogpu.yml").read_text())
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ZGSCAFFOLD_", "VIRTUAL_ENV", "UV_"))
    }
    env.update(
        **index.uv_env(),  # zgscaffold from the local index, its dependencies from the registry
        UV_TOOL_DIR=str(tmp_path / "tools"),
        UV_PYTHON_DOWNLOADS="never",
    )
    (check,) = _steps(workflow, "check")
    assert check == f"uvx zgscaffold=={RELEASE} check ."
    result = subprocess.run(
        check, shell=True, cwd=space, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert any(path.endswith(".whl") for path in index.served)  # our wheel, from our index
    # The sync job's script stops with a GitHub error line when the secret is missing.
    (sync,) = _steps(workflow, "sync")
    result = subprocess.run(
        ["bash", "-c", sync],
        cwd=space,
        env={**env, "HF_TOKEN": "", "SPACE_ID": "acme/demo"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "::error::add a Hugging Face write token" in result.stdout
