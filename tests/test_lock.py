"""One real lock and export with uv, and the README's command reproducing it exactly."""

import subprocess

import pytest
from typer.testing import CliRunner

from zgscaffold import lock
from zgscaffold.cli import app


@pytest.mark.lock
def test_new_locks_and_exports_and_the_readme_command_reproduces_it(tmp_path, facts):
    dest = tmp_path / "locked-space"
    result = CliRunner().invoke(app, ["new", str(dest), "--defaults"])
    assert result.exit_code == 0, result.output
    lock_file = dest / "uv.lock"
    requirements = (dest / "requirements.txt").read_text()
    assert lock_file.is_file()
    pins = {
        line.split("==")[0]: line.split("==")[1].split(" ")[0]
        for line in requirements.splitlines()
        if "==" in line and not line.startswith(("#", " "))
    }
    assert "spaces" not in pins and "gradio" not in pins
    assert pins["torch"] == facts.supported_torch[-1]
    assert "transformers" in pins
    assert "uv export --no-hashes --no-dev --no-emit-package spaces" in requirements
    assert 'requires-python = "==3.12.*"' in lock_file.read_text()

    # The Space's README names one command; running it again changes nothing.
    readme = (dest / "README.md").read_text()
    assert lock.lock_command() in readme
    python = lock.find_python("3.12")
    env_lock = subprocess.run(
        f"{lock.uv_binary()} lock --python {python} && UV_FROZEN=1 {lock.uv_binary()} "
        + lock.lock_command().split("&& uv ", 1)[1],
        shell=True,
        cwd=dest,
        capture_output=True,
        text=True,
        env={"UV_PYTHON_DOWNLOADS": "never", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert env_lock.returncode == 0, env_lock.stderr
    assert (dest / "requirements.txt").read_text() == requirements


@pytest.mark.lock
@pytest.mark.parametrize("torch", ["2.12.1", "2.13.0"])
def test_the_newest_torch_releases_lock_with_their_torchvision(tmp_path, facts, torch):
    """torch 2.12.1 and 2.13.0 resolve from PyPI with the torchvision built for each."""
    assert torch in facts.supported_torch
    dest = tmp_path / f"torch-{torch.replace('.', '-')}"
    result = CliRunner().invoke(
        app,
        [
            "new",
            str(dest),
            "--defaults",
            "--task",
            "image-classification",
            "--torch-version",
            torch,
        ],
    )
    assert result.exit_code == 0, result.output
    pins = {
        line.split("==")[0]: line.split("==")[1].split(" ")[0]
        for line in (dest / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith(("#", " "))
    }
    assert pins["torch"] == torch
    assert pins["torchvision"] == facts.sidecars[torch]["torchvision"]
    assert "torchaudio" not in pins
