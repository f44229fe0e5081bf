"""The README's quickstart: one command renders a Space with defaults, one runs the tests
(CI runs that same command), and `uv run zgscaffold` in a clone pulls no test stack."""

import os
import re
import subprocess

import pytest
from conftest import REPO
from huggingface_hub import SpaceCard

README = (REPO / "README.md").read_text()
RENDER = "zgscaffold new my-space --defaults"
TEST = "scripts/test"
TEST_STACK = ("gradio", "playwright", "diffusers", "transformers", "mkdocs")


def _blocks(text: str) -> list[list[str]]:
    return [
        [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
        for block in re.findall(r"```bash\n(.*?)```", text, re.S)
    ]


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    assert _blocks(quickstart)[:2] == [[RENDER], [TEST]]
    assert "`uv run zgscaffold ...` runs the\ncheckout" in quickstart
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
        ["uv", "run", *RENDER.split()],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    space = clone / "my-space"
    assert SpaceCard.load(space / "README.md").data.sdk == "gradio"
    assert (space / "uv.lock").is_file()
    assert "torch==" in (space / "requirements.txt").read_text()
    # tool.uv.default-groups: the clone's environment holds the tool, not the test stack.
    (site,) = (clone / ".venv" / "lib").glob("python3*/site-packages")
    installed = {path.name.split("-")[0].lower() for path in site.glob("*.dist-info")}
    assert "copier" in installed
    assert installed.isdisjoint(TEST_STACK), installed & set(TEST_STACK)
