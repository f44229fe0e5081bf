"""The CLI's commands, output and exit codes, through typer's CliRunner."""

import pytest
import yaml
from typer.testing import CliRunner

from zgscaffold import __version__
from zgscaffold.cli import app

runner = CliRunner()


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"zgscaffold {__version__}"


def test_tasks_lists_every_preset(facts):
    result = runner.invoke(app, ["tasks"])
    assert result.exit_code == 0
    for key, preset in facts.tasks.items():
        assert key in result.output
        assert preset["model"] in result.output


def test_wheels_lists_recorded_combinations(facts):
    result = runner.invoke(app, ["wheels"])
    assert result.exit_code == 0
    for package in facts.cuda_packages:
        assert package in result.output
    assert "Python 3.12 + torch 2.8.0" in result.output  # the recorded flash-attn release wheel


def test_new_with_flags_renders_offline(tmp_path, facts):
    dest = tmp_path / "my-images"
    result = runner.invoke(
        app,
        [
            "new", str(dest), "--defaults", "--no-lock",
            "--task", "text-to-image", "--gpu-size", "xlarge", "--duration-strategy", "dynamic",
            "--python-version", "3.10", "--space-title", "My Images", "--emoji", "🖼️",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Created" in result.output
    assert "uv lock && uv export" in result.output  # the one command to run later
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert answers["space_name"] == "my-images"
    assert answers["task"] == "text-to-image"
    assert answers["gpu_size"] == "xlarge"
    assert answers["duration_strategy"] == "dynamic"
    assert answers["python_version"] == "3.10"
    assert answers["torch_version"] == facts.supported_torch[-1]
    app_py = (dest / "app.py").read_text()
    assert '@spaces.GPU(duration=estimate_duration, size="xlarge")' in app_py
    assert not (dest / "uv.lock").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["my-images"]  # no scratch left behind


def test_cuda_package_picks_the_newest_torch_with_a_wheel(tmp_path):
    dest = tmp_path / "fa"
    result = runner.invoke(
        app, ["new", str(dest), "--defaults", "--no-lock", "--cuda-packages", "flash-attn"]
    )
    assert result.exit_code == 0, result.output
    assert "torch 2.8.0" in result.output
    requirements = (dest / "requirements.txt").read_text()
    assert "torch==2.8.0" in requirements
    assert "flash_attn-2.8.3+cu12torch2.8cxx11abiTRUE-cp312-cp312-linux_x86_64.whl" in requirements


def test_no_arguments_shows_help():
    result = runner.invoke(app, [])
    assert "new" in result.output
    assert "Usage" in result.output


# 0.1's flag names (cli.OLD_FLAGS): they still answer their question, with a note
# naming the new flag, and --help shows only the new names.
@pytest.mark.parametrize(("old", "new", "value", "key"), [
    ("--name", "--space-name", "old-name", "space_name"),
    ("--python", "--python-version", "3.12", "python_version"),
    ("--size", "--gpu-size", "xlarge", "gpu_size"),
    ("--duration", "--duration-strategy", "dynamic", "duration_strategy"),
    ("--cuda-package", "--cuda-packages", "flash-attn", "cuda_packages"),
])  # fmt: skip
def test_an_old_flag_name_still_answers_its_question_and_is_hidden(tmp_path, old, new, value, key):
    from zgscaffold.cli import OLD_FLAGS

    assert OLD_FLAGS[old.removeprefix("--")] == new.removeprefix("--")
    dest = tmp_path / "space"
    result = runner.invoke(app, ["new", str(dest), "--defaults", "--no-lock", old, value])
    assert result.exit_code == 0, result.output
    assert f"note: {old} is now {new}" in result.stderr
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert answers[key] == ([value] if key == "cuda_packages" else value)
    shown = runner.invoke(app, ["new", "--help"], env={"COLUMNS": "200"}).output
    assert new in shown
    assert not any(f"{flag} " in shown for flag in (f"--{o}" for o in OLD_FLAGS))
