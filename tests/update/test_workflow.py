"""A generated Space's GitHub workflow runs as written: its `run:` steps, with the pinned
zgscaffold release served from a package index on 127.0.0.1 (a PEP 503 folder over HTTP)."""

import functools
import os
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml
from update_repos import REPO, git

from zgscaffold import lock
from zgscaffold.render import new_space

RELEASE = "0.1.0"


class _Quiet(SimpleHTTPRequestHandler):
    served: list[str] = []  # noqa: RUF012 - the paths asked for, across requests

    def log_message(self, *args) -> None:
        _Quiet.served.append(self.path)


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """simple/zgscaffold/ holding the wheel built as release 0.1.0; yields the index URL."""
    root = tmp_path_factory.mktemp("index")
    folder = root / "simple" / "zgscaffold"
    folder.mkdir(parents=True)
    subprocess.run(
        [lock.uv_binary(), "build", "--wheel", "--out-dir", str(folder), str(REPO)],
        check=True,
        capture_output=True,
        env={**os.environ, "SETUPTOOLS_SCM_PRETEND_VERSION": RELEASE},
    )
    (wheel,) = folder.glob("*.whl")
    (folder / "index.html").write_text(f'<a href="{wheel.name}">{wheel.name}</a>\n')
    handler = functools.partial(_Quiet, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/simple"
    finally:
        server.shutdown()
        server.server_close()


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
        UV_INDEX_URL=index,  # zgscaffold from the local index,
        UV_EXTRA_INDEX_URL="https://pypi.org/simple",  # its dependencies from the registry
        UV_TOOL_DIR=str(tmp_path / "tools"),
        UV_PYTHON_DOWNLOADS="never",
    )
    (check,) = _steps(workflow, "check")
    assert check == f"uvx zgscaffold=={RELEASE} check ."
    result = subprocess.run(
        check, shell=True, cwd=space, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert any(path.endswith(".whl") for path in _Quiet.served)  # our wheel, from our index
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
