"""`new` refuses a destination it cannot fill in one line, exit 2, and leaves nothing behind.

Covers the folder itself (a file, a dangling link, a name over the file-name
limit), its parents (a file on the way, an unwritable one) and the parents a
failed render created.
"""

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from zgscaffold.cli import app

runner = CliRunner()
NEW = ["--defaults", "--no-lock"]


def _tree(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


def _refused(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error:")
    for word in words:
        assert word in lines[0], lines[0]
    assert "Traceback" not in result.output


def test_failed_render_removes_the_parents_it_created(tmp_path):
    result = runner.invoke(app, ["new", str(tmp_path / "a" / "b" / "bad..name"), *NEW])
    _refused(result, "'..'")
    assert _tree(tmp_path) == []


def test_failed_render_keeps_parents_that_existed(tmp_path):
    (tmp_path / "a").mkdir()
    result = runner.invoke(app, ["new", str(tmp_path / "a" / "b" / "bad..name"), *NEW])
    _refused(result, "'..'")
    assert _tree(tmp_path) == ["a"]


def test_parent_that_is_a_file(tmp_path):
    (tmp_path / "notes.txt").write_text("mine\n")
    result = runner.invoke(app, ["new", str(tmp_path / "notes.txt" / "deeper" / "space"), *NEW])
    _refused(result, "notes.txt", "which is a file")
    assert _tree(tmp_path) == ["notes.txt"]
    assert (tmp_path / "notes.txt").read_text() == "mine\n"


def test_dangling_symlink_as_destination(tmp_path):
    (tmp_path / "space").symlink_to(tmp_path / "gone")
    result = runner.invoke(app, ["new", str(tmp_path / "space"), *NEW])
    _refused(result, "symbolic link to nothing")
    assert _tree(tmp_path) == ["space"]
    assert not (tmp_path / "gone").exists()


def test_dangling_symlink_as_parent(tmp_path):
    (tmp_path / "parent").symlink_to(tmp_path / "gone")
    result = runner.invoke(app, ["new", str(tmp_path / "parent" / "space"), *NEW])
    _refused(result, "parent")
    assert _tree(tmp_path) == ["parent"]


def test_folder_names_up_to_the_limit_render(tmp_path):
    """246-255 bytes: the name fits, so must the scratch folder beside it."""
    for size in (246, 255):
        dest = tmp_path / ("s" * size)
        result = runner.invoke(app, ["new", str(dest), *NEW, "--space-name", "long-folder"])
        assert result.exit_code == 0, result.output
        assert (dest / "app.py").is_file()
    assert sorted(len(name) for name in os.listdir(tmp_path)) == [246, 255]


def test_folder_name_over_the_limit(tmp_path):
    name = "é" * 128  # 256 bytes in UTF-8
    result = runner.invoke(app, ["new", str(tmp_path / "p" / name), *NEW, "--space-name", "ok"])
    _refused(result, "256 bytes", "255-byte limit")
    assert _tree(tmp_path) == []


def test_unwritable_parent(tmp_path):
    """Run as a user without write access (root drops its override capability)."""
    parent = tmp_path / "read-only"
    parent.mkdir()
    parent.chmod(0o555)
    command = [sys.executable, "-m", "zgscaffold", "new", str(parent / "x" / "space"), *NEW]
    if os.geteuid() == 0:
        caps = "-dac_override,-dac_read_search"
        command = ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", "--", *command]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    finally:
        parent.chmod(0o755)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "not writable" in lines[0] and str(parent) in lines[0]
    assert result.stdout == ""
    assert _tree(parent) == []


def test_missing_interpreter_names_uv_python_install(tmp_path):
    """Only Python 3.11 on the machine: the lock needs 3.12, and the message says how to get it."""
    env = {
        "PATH": "/usr/bin:/bin",  # /usr/bin holds python3.11 only
        "HOME": str(tmp_path),
        "PYENV_ROOT": str(tmp_path / "no-pyenv"),
        "UV_PYTHON_INSTALL_DIR": str(tmp_path / "no-uv-pythons"),
        "UV_PYTHON_DOWNLOADS": "never",  # this build machine is offline; users' uv may download
    }
    dest = tmp_path / "work" / "space"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "zgscaffold",
            "new",
            str(dest),
            "--defaults",
            "--python-version",
            "3.12",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert "no installed Python 3.12" in lines[-1]
    assert "uv python install 3.12" in lines[-1]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "work").exists(), "nothing of the failed render is left"
