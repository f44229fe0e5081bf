"""Impossible answers are refused with a message naming the input, and leave nothing on disk."""

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from zgscaffold.cli import app

runner = CliRunner()

BAD_ANSWERS = [
    (["--space-name", ""], "space_name is empty"),
    (["--space-name", "owner/space"], "path separator"),
    (["--space-name", "a\\b"], "path separator"),
    (["--space-name", "my..space"], "'..'"),
    (["--space-name", "my--space"], "'--'"),
    (["--space-name", "-space"], "characters the Hub refuses"),
    (["--space-name", "space-"], "ends with"),
    (["--space-name", "space.git"], "ends with"),
    (["--space-name", "spä ce"], "characters the Hub refuses"),
    (["--space-name", "x" * 97], "longer than 96"),
    (["--space-title", "   "], "space_title is empty"),
    (["--space-title", "two\nlines"], "line break"),
    (["--space-title", "next\x85line"], "space_title contains U+0085, a line break"),
    (["--space-title", "c1\x9bcontrol"], "space_title contains U+009B, a control character"),
    (
        ["--short-description", "non\ufffechar"],
        "short_description contains U+FFFE, a Unicode noncharacter",
    ),
    (
        ["--short-description", "lone\udcffsurrogate"],
        "short_description contains U+DCFF, a lone surrogate",
    ),
    (["--emoji", "\u2028"], "emoji contains U+2028, a line break"),
    (["--model-id", "org/model\n"], "model_id contains U+000A, a line break"),
    (["--hub-owner", "me\x00"], "hub_owner contains U+0000, a control character"),
    (["--short-description", "d" * 61], "the Hub allows 60"),
    (["--emoji", "two words"], "is not one emoji"),
    (["--color-from", "orange"], "Invalid choice for 'color_from'"),
    (["--license", "wtfpl"], "Invalid choice for 'license'"),
    (["--task", "text-to-nothing"], "Invalid choice for 'task'"),
    (["--model-id", "not a model id"], "is not a Hub model id"),
    (["--python-version", "3.11"], "Invalid choice for 'python_version'"),
    (
        ["--task", "text-to-speech", "--python-version", "3.10"],
        "need Python 3.11 or newer): choose 3.12",
    ),
    (["--torch-version", "2.7.1"], "Invalid choice for 'torch_version'"),
    (["--duration-seconds", "0"], "at least 1"),
    (["--duration-seconds", "121"], "exceeds the 120 s per-call cap"),
    (["--gpu-size", "xlarge", "--duration-seconds", "61"], "use at most 60"),
    (
        ["--python-version", "3.12", "--cuda-packages", "xformers"],
        "no recorded wheels for Python 3.12",
    ),
    (["--cuda-packages", "pytorch3d"], "pytorch3d: Python 3.10 + torch 2.12.1"),
    (
        ["--cuda-packages", "flash-attn", "--torch-version", "2.11.0"],
        "recorded: flash-attn: Python 3.10",
    ),
    (["--cuda-packages", "not-a-package"], "Invalid choice for 'cuda_packages'"),
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
    monkeypatch.delenv("ZGSCAFFOLD_PYTHON_3_12", raising=False)  # the product's own override
    dest = tmp_path / "out" / "space"
    result = runner.invoke(app, ["new", str(dest), "--defaults"])
    assert result.exit_code == 2, result.output
    assert "no installed Python 3.12" in result.output
    assert not (tmp_path / "out").exists()  # the parent it created goes too


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            ["--gpu-size", "huge"],
            "Invalid value for '--gpu-size': 'huge' is not one of 'large', 'xlarge'",
        ),
        (["--duration-seconds", "abc"], "Invalid value for '--duration-seconds'"),
        (
            ["--duration-strategy", "[/]"],
            "Invalid value for '--duration-strategy': '[/]' is not one of",
        ),
        (["--bogus"], "No such option: --bogus"),
    ],
)
def test_bad_flag_types_print_one_line(tmp_path, flags, message):
    """The console script (not CliRunner): typer's multi-line error box is replaced."""
    result = subprocess.run(
        [sys.executable, "-m", "zgscaffold", "new", str(tmp_path / "space"), *flags],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "╭" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ["new", "{dest}", "--defaults", "--no-lock", "--space-name", "a[/]b"],
        [
            "new",
            "{dest}",
            "--defaults",
            "--no-lock",
            "--space-name",
            "s",
            "--space-title",
            "[/] [bold]x",
        ],
        ["check", "{tmp}/no[/]pe\x1b]0;title\x07"],
        ["check", "{tmp}", "--select", "[/]"],
    ],
)
def test_user_text_is_printed_as_text(tmp_path, args):
    dest = tmp_path / "sp[red]ace[/]"
    args = [a.format(dest=dest, tmp=tmp_path) for a in args]
    result = subprocess.run(
        [sys.executable, "-m", "zgscaffold", *args], capture_output=True, text=True, check=False
    )
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "\x1b" not in output, output
    if result.returncode == 0:  # the title is text: the Space is written and named
        assert f"cd {dest}" in result.stdout and (dest / "README.md").exists()
    else:
        assert result.returncode == 2 and "[/]" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_folder_name_with_markup_is_created_and_printed(tmp_path):
    dest = tmp_path / "my[/]space[red]"
    result = runner.invoke(app, ["new", str(dest), "--defaults", "--no-lock", "--space-name", "s"])
    assert result.exit_code == 0, result.output
    assert f"cd {dest}" in result.output
