"""Render one Space per task with `duration_strategy=dynamic`, for gpu_durations.py.

    uv run python benchmarks/render_apps.py OUT_DIR [TASK ...] [--data KEY=VALUE ...]

Run it where copier is installed; OUT_DIR then travels to the GPU machine,
which needs only torch, the apps' libraries and gradio to run the benchmark.
"""

import argparse
import sys
import warnings
from pathlib import Path

import copier
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zgscaffold.facts import load_facts  # noqa: E402


def render(task: str, dest: Path, extra: dict[str, object]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # uncommitted changes in the checkout are fine here
        copier.run_copy(
            str(ROOT),
            dest,
            data={"task": task, "space_name": task, "duration_strategy": "dynamic", **extra},
            defaults=True,
            quiet=True,
            vcs_ref="HEAD",
            unsafe=False,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("tasks", nargs="*")
    parser.add_argument("--data", action="append", default=[], help="another answer, KEY=VALUE")
    args = parser.parse_args()
    extra = {key: yaml.safe_load(value) for key, value in (d.split("=", 1) for d in args.data)}
    out = args.out
    tasks = args.tasks or list(load_facts(ROOT / "facts" / "zerogpu.yml").tasks)
    for task in tasks:
        render(task, out / task, extra)
        print(f"{task}: {out / task}")


if __name__ == "__main__":
    main()
