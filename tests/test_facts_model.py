"""The typed facts model: checked at load, one line naming a bad key, equal to the raw YAML."""

import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from zgscaffold.errors import BadInput
from zgscaffold.facts import Facts, load_facts
from zgscaffold.facts_model import FactsModel

REPO = Path(__file__).resolve().parents[1]
TEXT = (REPO / "facts" / "zerogpu.yml").read_text(encoding="utf-8")


def _copy(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the facts file with one line changed, in a template root of its own."""
    assert TEXT.count(old) == 1, old
    path = tmp_path / "facts" / "zerogpu.yml"
    path.parent.mkdir()
    path.write_text(TEXT.replace(old, new), encoding="utf-8")
    return path


def test_misspelled_key_fails_in_one_line_naming_it(tmp_path: Path) -> None:
    path = _copy(tmp_path, "    large: {factor: 1,", "    large: {factr: 1,")
    env = {**os.environ, "ZGSCAFFOLD_TEMPLATE": str(tmp_path), "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "zgscaffold", "tasks"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"error: {path}: unknown key hardware.sizes.large.factr"
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  cap_seconds: 120\n", "", "missing key duration.cap_seconds"),
        (
            "  name_max: 96",
            "  name_max: ninety-six",
            "hub.name_max is 'ninety-six' (str), not an integer",
        ),
        (
            "  flash-attn: {dist: flash_attn, import: flash_attn}",
            "  flash-attn: {dist: flash_attn}",
            "missing key cuda_packages.flash-attn.import",
        ),
        ("\nschema: 1\n", "\nschema: 2\n", "schema is 2, this zgscaffold reads schema 1"),
    ],
)
def test_bad_facts_name_the_key(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = _copy(tmp_path, old, new)
    with pytest.raises(BadInput) as raised:
        load_facts(path)
    assert str(raised.value).startswith(f"{path}: {message}")
    assert "\n" not in str(raised.value)


def _same(model: object, raw: Any, where: str = "") -> None:
    """Every key the model holds equals the raw reading; absent optional keys keep defaults."""
    if dataclasses.is_dataclass(model):
        assert isinstance(raw, dict), where
        for field in dataclasses.fields(model):
            key = "import" if field.name == "import_name" else field.name
            value = getattr(model, field.name)
            if key in raw:
                _same(value, raw[key], f"{where}.{key}")
            else:
                assert value == field.default, f"{where}.{key}"
    elif isinstance(model, dict):
        assert isinstance(raw, dict) and model.keys() == raw.keys(), where
        for key, value in model.items():
            _same(value, raw[key], f"{where}.{key}")
    elif isinstance(model, list):
        assert isinstance(raw, list) and len(model) == len(raw), where
        for index, (value, item) in enumerate(zip(model, raw, strict=True)):
            _same(value, item, f"{where}[{index}]")
    else:
        same_type = type(model) is type(raw) or (isinstance(model, float) and type(raw) is int)
        assert model == raw and same_type, where
        same_type = type(model) is type(raw) or (isinstance(model, float) and type(raw) is int)
        assert model == raw and same_type, where


def test_real_facts_load_and_the_model_equals_the_raw_yaml(facts: Facts) -> None:
    # copier.yml's `facts` question includes the file through Jinja, then parses it:
    # with no Jinja syntax in it, that is the raw YAML (tests/conftest.py's
    # matrix_render passes this mapping as data).
    assert not any(mark in TEXT for mark in ("{{", "{%", "{#"))
    raw = yaml.safe_load(TEXT)  # what copier.yml reads
    assert facts.data == raw
    assert isinstance(facts.model, FactsModel)
    _same(facts.model, raw)
    assert facts.request_factor("large") == raw["hardware"]["sizes"]["large"]["request_factor"]
    assert facts.sdk_version == raw["gradio"]["sdk_version"]
