"""Render one Space per task with `duration_strategy=dynamic`, for gpu_durations.py.

    uv run python benchmarks/render_apps.py OUT_DIR [TASK ...] [--data KEY=VALUE ...]

Run it where copier is installed; OUT_DIR then travels to the GPU machine,
which needs only torch, the apps' libraries and gradio to run the benchmark.
It renders the checkout's template files as they are (a plain copy, as
`zgscaffold new` renders its bundled template), uncommitted edits included.
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import copier
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zgscaffold.facts import load_facts  # noqa: E402

TEMPLATE_PARTS = ("copier.yml", "template", "includes", "facts")


def template_copy() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="template-"))
    for part in TEMPLATE_PARTS:
        copy = shutil.copytree if (ROOT / part).is_dir() else shutil.copy2
        copy(ROOT / part, folder / part)
    return folder


def render(template: Path, task: str, dest: Path, extra: dict[str, object]) -> None:
    copier.run_copy(
        str(template),
        dest,
        data={"task": task, "space_name": task, "duration_strategy": "dynamic", **extra},
        defaults=True,
        quiet=True,
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
    template = template_copy()
    for task in tasks:
        render(template, task, out / task, extra)
        print(f"{task}: {out / task}")


if __name__ == "__main__":
    main()
