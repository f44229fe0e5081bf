"""Render one Space per task with `duration_strategy=dynamic`, for gpu_durations.py.

    uv run python benchmarks/render_apps.py OUT_DIR [TASK ...]

Run it where copier is installed; OUT_DIR then travels to the GPU machine,
which needs only torch, the apps' libraries and gradio to run the benchmark.
"""

import sys
import warnings
from pathlib import Path

import copier

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zgscaffold.facts import load_facts  # noqa: E402


def render(task: str, dest: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # uncommitted changes in the checkout are fine here
        copier.run_copy(
            str(ROOT),
            dest,
            data={"task": task, "space_name": task, "duration_strategy": "dynamic"},
            defaults=True,
            quiet=True,
            vcs_ref="HEAD",
            unsafe=False,
        )


def main() -> None:
    out = Path(sys.argv[1])
    tasks = sys.argv[2:] or list(load_facts(ROOT / "facts" / "zerogpu.yml").tasks)
    for task in tasks:
        render(task, out / task)
        print(f"{task}: {out / task}")


if __name__ == "__main__":
    main()
