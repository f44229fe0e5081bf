"""ZG210: `import spaces` stays above torch and CUDA libraries in every task's app.py,
whatever an import sorter or the formatter does to the render."""

import subprocess
import sys

import pytest
from conftest import REPO

from zgscaffold.facts import load_facts

TASKS = list(load_facts(REPO / "facts" / "zerogpu.yml").tasks)
CUDA_IMPORTS = ("import torch", "from torch", "from transformers", "from diffusers", "from peft")
SORTERS = {
    "default": [],
    "force-sort-within-sections": ["--config", "lint.isort.force-sort-within-sections=true"],
}


def first_line(lines: list[str], prefixes: tuple[str, ...]) -> int:
    return min(i for i, line in enumerate(lines) if line.startswith(prefixes))


@pytest.mark.parametrize("sorter", list(SORTERS))
@pytest.mark.parametrize("task", TASKS)
def test_spaces_stays_first_after_sorting_and_formatting(task, sorter, copie_session):
    result = copie_session.copy(extra_answers={"task": task})
    assert result.exit_code == 0, result.exception
    app = result.project_dir / "app.py"
    ruff = [sys.executable, "-m", "ruff"]
    subprocess.run(
        [
            *ruff,
            "check",
            "--isolated",
            "--no-cache",
            "--select",
            "I",
            "--fix",
            *SORTERS[sorter],
            str(app),
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [*ruff, "format", "--isolated", "--no-cache", str(app)], check=True, capture_output=True
    )
    lines = app.read_text().splitlines()
    assert first_line(lines, ("import spaces",)) < first_line(lines, CUDA_IMPORTS), "\n".join(
        lines[:20]
    )
