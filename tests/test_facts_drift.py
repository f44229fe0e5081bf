"""The facts file against the installed `spaces` package's own data and code.

A `spaces` release that changes the backing GPU's duration factor or xlarge
threshold, the default duration or the accepted sizes fails here, in CI,
instead of in generated Spaces. The comparison lives in scripts/facts_drift.py
(the maintainers' printout); this test imports it.
"""

import importlib.util
import shutil
import subprocess
import sys

import pytest
from conftest import REPO

SCRIPT = REPO / "scripts" / "facts_drift.py"


def drift_module():
    spec = importlib.util.spec_from_file_location("facts_drift", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_facts_agree_with_the_installed_spaces_package():
    rows = drift_module().compare(REPO / "facts" / "zerogpu.yml")
    disagree = [row for row in rows if row.blocking and not row.agrees]
    assert not disagree, "\n".join(
        f"{row.fact}: facts {row.facts_value!r}, spaces {row.spaces_value!r}" for row in disagree
    )
    facts_checked = {row.fact for row in rows}
    for fact in (
        "hardware.gpu.duration_factor",
        "hardware.gpu.xlarge_threshold_bytes",
        "duration.default_seconds",
        "hardware.sizes (accepted sizes)",
        "hardware.sizes.large.request_factor",
        "hardware.sizes.xlarge.request_factor",
    ):
        assert fact in facts_checked


@pytest.mark.parametrize(
    ("old", "new", "fact"),
    [
        (
            "duration_factor: &duration_factor 1.5",
            "duration_factor: &duration_factor 1.0",
            "hardware.gpu.duration_factor",
        ),
        (
            "xlarge_threshold_bytes: 45097156608",
            "xlarge_threshold_bytes: 45000000000",
            "hardware.gpu.xlarge_threshold_bytes",
        ),
        ("default_seconds: 60", "default_seconds: 30", "duration.default_seconds"),
        (
            "xlarge: {factor: 2, wall_factor: 1, request_factor: 2,",
            "xlarge: {factor: 2, wall_factor: 1, request_factor: 1,",
            "hardware.sizes.xlarge.request_factor",
        ),
        (
            "  default_size: large",
            "    medium: {factor: 1, wall_factor: 1, request_factor: 1}\n  default_size: large",
            "hardware.sizes (accepted sizes)",
        ),
    ],
)
def test_a_fact_changed_by_hand_fails_the_comparison(tmp_path, old, new, fact):
    changed = tmp_path / "zerogpu.yml"
    shutil.copy(REPO / "facts" / "zerogpu.yml", changed)
    text = changed.read_text()
    assert text.count(old) == 1, f"the facts file no longer holds {old!r}"
    changed.write_text(text.replace(old, new))
    rows = {row.fact: row for row in drift_module().compare(changed)}
    assert not rows[fact].agrees


def test_the_script_exits_one_and_names_the_fact_changed_by_hand(tmp_path):
    changed = tmp_path / "zerogpu.yml"
    text = (REPO / "facts" / "zerogpu.yml").read_text()
    changed.write_text(text.replace("default_seconds: 60", "default_seconds: 30"))
    printed = subprocess.run(
        [sys.executable, str(SCRIPT), "--facts", str(changed)], capture_output=True, text=True
    )
    assert printed.returncode == 1, printed.stdout + printed.stderr
    assert "DIFF duration.default_seconds" in printed.stdout
    assert "ok   hardware.gpu.duration_factor" in printed.stdout


def test_the_script_prints_every_fact_and_exits_zero_on_the_shipped_facts():
    printed = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert printed.returncode == 0, printed.stdout + printed.stderr
    assert "ok   hardware.gpu.duration_factor" in printed.stdout
    assert "DIFF" not in printed.stdout
