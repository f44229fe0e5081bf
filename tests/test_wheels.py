"""Wheel selection: the CLI's Python mirror agrees with the template's Jinja, on real and
recorded listings."""

import itertools
import re
import shutil
from pathlib import Path

import copier
import pytest
import yaml
from conftest import REPO
from typer.testing import CliRunner

from zgscaffold import wheels
from zgscaffold.cli import app
from zgscaffold.facts import Facts, load_facts

DATA = Path(__file__).parent / "data"


def copy_template(root: Path) -> None:
    """The parts of the repository copier renders from, copied into `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("copier.yml", "template", "includes", "facts"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)


@pytest.fixture(scope="module")
def recorded_template(tmp_path_factory) -> Path:
    """A copy of the template whose facts carry a fuller recorded listing (test data)."""
    root = tmp_path_factory.mktemp("template")
    copy_template(root)
    facts = yaml.safe_load((root / "facts" / "zerogpu.yml").read_text())
    listing = (DATA / "zerogpu-blackwell-wheels-listing.txt").read_text().split()
    cells = wheels.cells_from_repo_files(listing)
    source = facts["wheel_sources"][0]
    for cell_id, files in cells.items():
        source["cells"].setdefault(cell_id, wheels.parse_cell(cell_id))["files"] = files
    (root / "facts" / "zerogpu.yml").write_text(yaml.safe_dump(facts, allow_unicode=True))
    return root


def _requirements(dest: Path) -> list[str]:
    lines = (dest / "requirements.txt").read_text().splitlines()
    return [line for line in lines if " @ " in line]


def test_parse_cell():
    assert wheels.parse_cell("pt291-cu128-cp310") == {
        "torch": "2.9",
        "cuda": "12.8",
        "python": "3.10",
    }
    assert wheels.parse_cell("pt210-cu130-cp312")["torch"] == "2.10"
    assert wheels.parse_cell("pt28-cu128-cp311")["torch"] == "2.8"
    assert wheels.parse_cell("not-a-cell") is None


def test_order_files_puts_newest_release_first():
    files = [
        "flash_attn-2.7.4.post1-cp310-cp310-linux_x86_64.whl",
        "xformers-0.0.34+abc-cp39-abi3-linux_x86_64.whl",
        "flash_attn-2.8.3-cp310-cp310-linux_x86_64.whl",
    ]
    assert wheels.order_files(files) == [files[2], files[0], files[1]]


def test_cells_from_repo_files_ignores_other_paths():
    listing = [
        "README.md",
        "wheels/pt211-cu130-cp312/flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl",
        "wheels/pt211-cu130-cp312/notes.txt",
        "wheels/deep/er/x.whl",
    ]
    assert wheels.cells_from_repo_files(listing) == {
        "pt211-cu130-cp312": ["flash_attn-2.8.3-cp312-cp312-linux_x86_64.whl"]
    }


def test_the_cli_and_the_render_choose_the_same_wheels(recorded_template, tmp_path):
    facts = load_facts(recorded_template / "facts" / "zerogpu.yml")
    combos = [
        (packages, python, torch)
        for packages in (["flash-attn"], ["xformers"], ["flash-attn", "xformers", "pytorch3d"])
        for python, torch in itertools.product(facts.supported_python, facts.supported_torch)
        if all(wheels.find(facts, p, torch, python) for p in packages)
    ]
    assert len(combos) >= 4
    for index, (packages, python, torch) in enumerate(combos):
        in_choice_order = [p for p in facts.cuda_packages if p in packages]
        expected = [wheels.find(facts, p, torch, python).requirement for p in in_choice_order]
        rendered = _requirements_of(
            recorded_template, tmp_path / str(index), packages, python, torch
        )
        assert rendered == expected


def _requirements_of(template, dest, packages, python, torch):
    copier.run_copy(
        str(template),
        dest,
        data={"cuda_packages": packages, "python_version": python, "torch_version": torch},
        defaults=True,
        quiet=True,
    )
    return _requirements(dest)


def test_default_torch_is_the_newest_with_every_wheel(recorded_template, tmp_path):
    facts: Facts = load_facts(recorded_template / "facts" / "zerogpu.yml")
    packages = ["flash-attn", "xformers"]
    expected = wheels.best_torch(facts, packages, "3.12")
    worker = copier.run_copy(
        str(recorded_template),
        tmp_path / "s",
        data={"cuda_packages": packages},
        defaults=True,
        quiet=True,
    )
    assert worker.answers.user["torch_version"] == expected == "2.11.0"


def test_abi3_wheel_is_accepted_for_any_python(recorded_template):
    facts = load_facts(recorded_template / "facts" / "zerogpu.yml")
    wheel = wheels.find(facts, "xformers", "2.11.0", "3.12")
    assert wheel is not None and "-cp39-abi3-" in wheel.file


def test_every_recorded_cell_names_its_public_source_and_date(facts):
    for source in facts.wheel_sources:
        for cell_id, cell in source["cells"].items():
            if not cell.get("files"):
                continue
            origin = cell.get("recorded_from") or {}
            assert origin.get("url", "").startswith("https://"), f"{cell_id}: no source address"
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", origin.get("read_on", "")), cell_id
            for file in cell["files"]:
                assert file.endswith(".whl") and "{" not in file, f"{cell_id}: {file}"


def test_the_question_offers_only_packages_with_a_recorded_wheel(tmp_path):
    """A package whose wheels are not recorded is no choice at all: copier refuses it."""
    root = tmp_path / "template"
    copy_template(root)
    facts_file = root / "facts" / "zerogpu.yml"
    text = facts_file.read_text()
    dropped = "          - torchmcubes-0.1.0-cp310-cp310-linux_x86_64.whl\n"
    assert text.count(dropped) == 1
    facts_file.write_text(text.replace(dropped, ""))
    answers = {"python_version": "3.10", "cuda_packages": ["torchmcubes"]}
    with pytest.raises(ValueError, match="torchmcubes"):
        copier.run_copy(str(root), tmp_path / "refused", data=answers, defaults=True, quiet=True)
    answers["cuda_packages"] = ["pytorch3d"]
    copier.run_copy(str(root), tmp_path / "offered", data=answers, defaults=True, quiet=True)
    assert "pytorch3d @ https://" in (tmp_path / "offered" / "requirements.txt").read_text()


def test_wheels_lists_a_recorded_cell_for_every_offered_package(facts):
    offered = [p for p in facts.cuda_packages if wheels.combinations(facts, p)]
    assert offered == list(facts.cuda_packages)  # all six have a recorded wheel today
    result = CliRunner().invoke(app, ["wheels"])
    assert result.exit_code == 0, result.output
    for package in offered:
        line = next(line for line in result.output.splitlines() if f"{package}:" in line)
        python, torch = wheels.combinations(facts, package)[0]
        cell = wheels.find(facts, package, torch, python).cell
        assert f"Python {python} + torch {torch} ({cell})" in line
