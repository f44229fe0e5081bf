"""Each results table in benchmarks/results/ is what its script's --table prints
from the JSON beside it: the measured figures and the table cannot drift apart."""

import subprocess
import sys

import pytest
from conftest import REPO

RESULTS = REPO / "benchmarks" / "results"
SCRIPTS = sorted(path.stem for path in RESULTS.glob("*.json"))


def test_every_results_file_has_its_script_and_table():
    assert SCRIPTS, "no results in benchmarks/results"
    for name in SCRIPTS:
        assert (REPO / "benchmarks" / f"{name}.py").exists(), f"no benchmarks/{name}.py"
        assert (RESULTS / f"{name}.md").exists(), f"no benchmarks/results/{name}.md"


@pytest.mark.parametrize("name", SCRIPTS)
def test_the_table_is_regenerated_from_its_json(name):
    printed = subprocess.run(
        [sys.executable, f"benchmarks/{name}.py", "--table", str(RESULTS / f"{name}.json")],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert printed == (RESULTS / f"{name}.md").read_text(), (
        f"benchmarks/results/{name}.md differs from what --table prints: regenerate it with "
        f"python benchmarks/{name}.py --table benchmarks/results/{name}.json"
    )
