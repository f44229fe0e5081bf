"""The template works with plain copier: no --trust, no extra packages."""

import subprocess
import sys
from pathlib import Path

import copier
from conftest import REPO


def test_run_copy_without_unsafe(tmp_path):
    worker = copier.run_copy(str(REPO), tmp_path / "s", defaults=True, quiet=True, unsafe=False)
    assert (tmp_path / "s" / "app.py").is_file()
    assert worker.answers.user["task"] == "text-generation"


def test_copier_command_line_without_trust(tmp_path):
    copier_bin = Path(sys.executable).with_name("copier")
    result = subprocess.run(
        [
            str(copier_bin),
            "copy",
            "--defaults",
            "--vcs-ref",
            "HEAD",
            str(REPO),
            str(tmp_path / "s"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "Your ZeroGPU Space" in result.stdout + result.stderr  # _message_after_copy
    assert (tmp_path / "s" / "README.md").is_file()


def test_template_uses_nothing_that_needs_trust():
    import yaml

    config = yaml.safe_load((REPO / "copier.yml").read_text())
    assert not {"_tasks", "_jinja_extensions", "_migrations"} & set(config)
