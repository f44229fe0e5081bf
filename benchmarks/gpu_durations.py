"""Time each task's GPU handler on a real GPU, with models of realistic size.

For every task in facts/zerogpu.yml with a module in tests/e2e/tasks/, this
builds a model of the default model's shape from its config (random weights:
no Hub access), imports the rendered app.py unmodified with MODEL_ID pointed
at it, and calls the @spaces.GPU handler on CUDA over repeated calls. It also
runs the Space's own pickle-boundary test (tests/test_pickle_boundary.py) with
real CUDA tensors in play, and checks that a CUDA tensor is refused there.

    python benchmarks/gpu_durations.py --apps DIR --out DIR [--repeats 5]
    python benchmarks/gpu_durations.py --table benchmarks/results/gpu_durations.json

DIR holds one rendered Space per task (rendered with duration_strategy=dynamic,
so app.estimate_duration is there to compare). Prints a Markdown table and
writes it, with the raw timings as JSON, to --out. See benchmarks/README.md
for how the numbers set the facts file's durations.
"""

import argparse
import importlib
import json
import math
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from tasks import model_env  # noqa: E402

# Seconds on a ZeroGPU `large` slice (half an RTX Pro 6000 Blackwell) per
# second measured on the benchmark GPU (an H200 or H100). See benchmarks/README.md.
ZEROGPU_LARGE_FACTOR = 2.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def time_task(task: str, app_dir: Path, repeats: int) -> dict:
    """Runs in a child process: load the app on CUDA and time its handler."""
    import torch

    module = importlib.import_module(f"tasks.{task.replace('-', '_')}")
    sys.path.insert(0, str(app_dir))
    started = time.perf_counter()
    app = importlib.import_module("app")
    load_seconds = time.perf_counter() - started
    handler = getattr(app, module.HANDLER)
    parameters = sum(p.numel() for p in _parameters(app))
    rows = []
    for label, arguments, inputs in module.bench_calls():

        def call(arguments=arguments):
            result = handler(*arguments)
            if hasattr(result, "__next__"):
                result = list(result)[-1]
            if torch.cuda.is_available():
                torch.cuda.synchronize()
            return result

        call()  # warm-up: kernels, allocator, cuDNN autotune
        seconds = []
        for _ in range(repeats):
            started = time.perf_counter()
            call()
            seconds.append(time.perf_counter() - started)
        rows.append(
            {
                "label": label,
                "inputs": inputs,
                "seconds": seconds,
                "p50": statistics.median(seconds),
                "p95": percentile(seconds, 0.95),
                "estimate_declared": app.estimate_duration(*arguments),
            }
        )
    return {
        "task": task,
        "parameters": parameters,
        "load_seconds": load_seconds,
        "device": torch.cuda.get_device_name() if torch.cuda.is_available() else "cpu",
        "dtype": str(app.dtype),
        "rows": rows,
    }


def _parameters(app) -> list:
    """The parameters of the torch modules that app.py holds at module scope: models,
    and the parts of diffusers and transformers pipelines, each parameter counted once
    (a model may sit both alone and inside a pipeline)."""
    import torch

    parts = []
    for value in vars(app).values():
        if isinstance(value, torch.nn.Module):
            parts.append(value)
        elif isinstance(getattr(value, "components", None), dict):  # a diffusers pipeline
            parts += [c for c in value.components.values() if isinstance(c, torch.nn.Module)]
        elif isinstance(getattr(value, "model", None), torch.nn.Module):  # transformers
            parts.append(value.model)
    return list({id(p): p for part in parts for p in part.parameters()}.values())


def cuda_tensor_is_refused(app_dir: Path) -> bool:
    """A CUDA tensor pickled here must fail to unpickle on the Space's main side."""
    import torch

    sys.path.insert(0, str(app_dir / "tests"))
    boundary = importlib.import_module("test_pickle_boundary")
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    payload = [pickle.dumps(torch.ones(4, device="cuda"))]
    with ProcessPoolExecutor(
        1, mp_context=get_context("spawn"), initializer=boundary._without_cuda
    ) as main:
        try:
            main.submit(boundary._main_side, payload).result()
        except Exception as error:
            return "CUDA" in str(error) or "cuda" in str(error)
    return False


def torch_cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def declared_dynamic(facts: dict, task: str, inputs: dict, module) -> int:
    """What the rendered estimate_duration declares (large slice) with the facts' coefficients."""
    rules = facts["duration"]
    raw = module.estimate(facts["tasks"][task]["duration"]["dynamic"], inputs)
    return int(
        min(
            rules["cap_seconds"],
            max(rules["floor_seconds"], math.ceil(raw * rules["safety_margin"])),
        )
    )


def table(results: list[dict]) -> str:
    """The Markdown results table, with declared durations from the facts file."""
    import yaml

    facts = yaml.safe_load((ROOT / "facts" / "zerogpu.yml").read_text())
    lines = [
        f"Scale factor to a ZeroGPU `large` slice: x{ZEROGPU_LARGE_FACTOR} "
        "(benchmarks/README.md). Declared seconds come from facts/zerogpu.yml; ratio = "
        "declared / (p95 x factor), aimed at 1.1-2 (floor "
        f"{facts['duration']['floor_seconds']} s and cap {facts['duration']['cap_seconds']} s "
        "bound it).",
        "",
        "| task | GPU | model (params, dtype) | inputs | p50 s | p95 s | p95 x factor s "
        "| fixed s (ratio) | dynamic s (ratio) |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        task = result["task"]
        module = importlib.import_module(f"tasks.{task.replace('-', '_')}")
        fixed = facts["tasks"][task]["duration"]["fixed"]
        for row in result["rows"]:
            scaled = row["p95"] * ZEROGPU_LARGE_FACTOR
            dynamic = declared_dynamic(facts, task, row["inputs"], module)
            lines.append(
                f"| {task} | {result['device']} | {result['parameters'] / 1e6:.0f}M, "
                f"{result['dtype'].replace('torch.', '')} | {row['label']} | {row['p50']:.3f} "
                f"| {row['p95']:.3f} | {scaled:.2f} | {fixed} ({fixed / scaled:.1f}x) "
                f"| {dynamic} ({dynamic / scaled:.1f}x) |"
            )
    boundary = ", ".join(
        f"{r['task']}: {'passed' if r.get('boundary_passed') else 'FAILED'}"
        f"{', CUDA tensor refused' if r.get('cuda_tensor_refused') else ''}"
        for r in results
    )
    lines += ["", f"Pickle boundary on the GPU (the Space's own test): {boundary}."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--table", type=Path, help="print the table of a results JSON")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--task", action="append", help="only these tasks")
    parser.add_argument("--scale", default="bench", help="model size: bench, or tiny (a dry run)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.table:
        print(table(json.loads(args.table.read_text())), end="")
        return
    if not (args.apps and args.out):
        parser.error("--apps and --out are needed to run the benchmark")
    if args.child:  # one task per process, so each starts with a clean GPU
        result = time_task(args.child, args.apps / args.child, args.repeats)
        if torch_cuda():
            result["cuda_tensor_refused"] = cuda_tensor_is_refused(args.apps / args.child)
        print("RESULT " + json.dumps(result), flush=True)
        return

    args.out.mkdir(parents=True, exist_ok=True)
    tasks = args.task or sorted(p.name for p in args.apps.iterdir() if (p / "app.py").exists())
    results = []
    for task in tasks:
        module = importlib.import_module(f"tasks.{task.replace('-', '_')}")
        model_dir = Path(tempfile.mkdtemp(prefix=f"bench-{task}-"))
        started = time.perf_counter()
        module.build_model(model_dir, args.scale)
        print(f"{task}: built model in {time.perf_counter() - started:.0f} s", flush=True)
        env = {**os.environ, **model_env(task, model_dir), "PYTHONUNBUFFERED": "1"}
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--apps",
                str(args.apps),
                "--out",
                str(args.out),
                "--repeats",
                str(args.repeats),
                "--child",
                task,
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        lines = [line for line in child.stdout.splitlines() if line.startswith("RESULT ")]
        if child.returncode or not lines:
            print(f"{task}: timing failed\n{child.stderr[-3000:]}", flush=True)
            continue
        result = json.loads(lines[-1][7:])
        boundary = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "tests/test_pickle_boundary.py",
            ],
            cwd=args.apps / task,
            env=env,
            capture_output=True,
            text=True,
        )
        result["boundary_test"] = boundary.stdout.strip().splitlines()[-1:] or ["no output"]
        result["boundary_passed"] = boundary.returncode == 0
        if boundary.returncode:
            print(boundary.stdout[-3000:], boundary.stderr[-2000:])
        results.append(result)
        print(json.dumps({k: v for k, v in result.items() if k != "rows"}), flush=True)
        for row in result["rows"]:
            print(f"  {row['label']}: p50 {row['p50']:.3f} s, p95 {row['p95']:.3f} s", flush=True)
        (args.out / "gpu_durations.json").write_text(json.dumps(results, indent=2))
    print(table(results), end="")


if __name__ == "__main__":
    main()
