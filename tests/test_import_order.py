"""ZG210: `import spaces` stays above torch and CUDA libraries in every task's app.py,
whatever an import sorter or the formatter does to the render."""

import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import REPO, answer_matrix

from zgscaffold.facts import load_facts

FACTS = load_facts(REPO / "facts" / "zerogpu.yml")
# The answers a user who accepts every default gives (copier.yml's defaults).
DEFAULTS = {
    "gpu_size": FACTS.data["hardware"]["default_size"],
    "duration_strategy": yaml.safe_load((REPO / "copier.yml").read_text())["duration_strategy"][
        "default"
    ],
    "python_version": FACTS.data["python"]["default"],
}
# Each task's cell of the answer matrix with those answers (rendered once, tests/conftest.py).
DEFAULT_CELL = {
    row["task"]: row for row in answer_matrix(FACTS) if row == {"task": row["task"], **DEFAULTS}
}
TASKS = list(FACTS.tasks)
CUDA_IMPORTS = ("import torch", "from torch", "from transformers", "from diffusers", "from peft")
SORTERS = {
    "default": [],
    "force-sort-within-sections": ["--config", "lint.isort.force-sort-within-sections=true"],
}


def first_line(lines: list[str], prefixes: tuple[str, ...]) -> int:
    return min(i for i, line in enumerate(lines) if line.startswith(prefixes))


@pytest.mark.parametrize("sorter", list(SORTERS))
@pytest.mark.parametrize("task", TASKS)
def test_spaces_stays_first_after_sorting_and_formatting(task, sorter, matrix_render, tmp_path):
    app = tmp_path / "app.py"  # the shared render stays as it was
    shutil.copy(matrix_render(DEFAULT_CELL[task]).project_dir / "app.py", app)
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
