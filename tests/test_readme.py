"""The README's two commands: one renders a Space with defaults, one runs the tests,
and CI runs that same test command."""

import os
import re
import subprocess

import pytest
from conftest import REPO
from huggingface_hub import SpaceCard

README = (REPO / "README.md").read_text()
RENDER = "uv run zgscaffold new my-space --defaults"
TEST = "scripts/test"


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    block = re.search(r"```bash\n(.*?)```", README.split("## Quickstart", 1)[1], re.S)[1]
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == [RENDER, TEST]
    ci = (REPO / ".ci" / "run").read_text()
    assert re.search(rf"^{re.escape(TEST)}\b", ci, re.M)
    assert "uv run pytest" in (REPO / TEST).read_text()


@pytest.mark.lock
def test_render_command_works_in_a_fresh_clone(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "ZGSCAFFOLD_TEMPLATE")}
    env["UV_PYTHON_DOWNLOADS"] = "never"
    result = subprocess.run(
        RENDER.split(), cwd=clone, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-2000:]
    space = clone / "my-space"
    assert SpaceCard.load(space / "README.md").data.sdk == "gradio"
    assert (space / "uv.lock").is_file()
    assert "torch==" in (space / "requirements.txt").read_text()
