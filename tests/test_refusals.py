"""Impossible answers are refused with a message naming the input, and leave nothing on disk."""

import pytest
from typer.testing import CliRunner

from zgscaffold.cli import app

runner = CliRunner()

BAD_ANSWERS = [
    (["--name", ""], "space_name is empty"),
    (["--name", "owner/space"], "path separator"),
    (["--name", "a\\b"], "path separator"),
    (["--name", "my..space"], "'..'"),
    (["--name", "my--space"], "'--'"),
    (["--name", "-space"], "characters the Hub refuses"),
    (["--name", "space-"], "ends with"),
    (["--name", "space.git"], "ends with"),
    (["--name", "spä ce"], "characters the Hub refuses"),
    (["--name", "x" * 97], "longer than 96"),
    (["--title", "   "], "space_title is empty"),
    (["--title", "two\nlines"], "line break"),
    (["--description", "d" * 61], "the Hub allows 60"),
    (["--emoji", "two words"], "is not one emoji"),
    (["--color-from", "orange"], "Invalid choice for 'color_from'"),
    (["--license", "wtfpl"], "Invalid choice for 'license'"),
    (["--task", "text-to-nothing"], "Invalid choice for 'task'"),
    (["--model", "not a model id"], "is not a Hub model id"),
    (["--python", "3.11"], "Invalid choice for 'python_version'"),
    (["--torch", "2.7.1"], "Invalid choice for 'torch_version'"),
    (["--duration-seconds", "0"], "at least 1"),
    (["--duration-seconds", "121"], "exceeds the 120 s per-call cap"),
    (["--size", "xlarge", "--duration-seconds", "61"], "use at most 60"),
    (["--python", "3.12", "--cuda-package", "xformers"], "no recorded wheels for Python 3.12"),
    (["--cuda-package", "pytorch3d"], "pytorch3d: Python 3.10 + torch 2.12.1"),
    (["--cuda-package", "flash-attn", "--torch", "2.11.0"], "recorded: flash-attn: Python 3.10"),
    (["--cuda-package", "not-a-package"], "Invalid choice for 'cuda_packages'"),
]


@pytest.mark.parametrize(("flags", "message"), BAD_ANSWERS, ids=[m for _, m in BAD_ANSWERS])
def test_bad_answer_is_refused_with_one_line_and_nothing_on_disk(tmp_path, flags, message):
    dest = tmp_path / "space"
    result = runner.invoke(app, ["new", str(dest), "--defaults", "--no-lock", *flags])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_non_empty_destination_is_refused_and_left_untouched(tmp_path):
    dest = tmp_path / "space"
    dest.mkdir()
    (dest / "app.py").write_text("mine\n")
    result = runner.invoke(app, ["new", str(dest), "--defaults", "--no-lock"])
    assert result.exit_code == 2
    assert "is not empty" in result.output
    assert (dest / "app.py").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["space"]


def test_destination_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "space"
    target.write_text("a file\n")
    result = runner.invoke(app, ["new", str(target), "--defaults", "--no-lock"])
    assert result.exit_code == 2
    assert "is a file" in result.output
    assert target.read_text() == "a file\n"


def test_lock_failure_leaves_nothing_behind(tmp_path, monkeypatch):
    # No interpreter of the chosen Python can be found: a real refusal path of lock.find_python.
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "no-pyenv"))
    dest = tmp_path / "out" / "space"
    result = runner.invoke(app, ["new", str(dest), "--defaults"])
    assert result.exit_code == 2, result.output
    assert "no installed Python 3.12" in result.output
    assert not dest.exists()
    assert list((tmp_path / "out").iterdir()) == []
