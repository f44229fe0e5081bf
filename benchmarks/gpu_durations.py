"""Time each task's GPU handler on a real GPU, with models of realistic size.

For every task in facts/zerogpu.yml with a module in tests/e2e/tasks/, this
builds a model of the default model's shape from its config (random weights:
no Hub access), imports the rendered app.py unmodified with MODEL_ID pointed
at it, and calls the @spaces.GPU handler on CUDA over repeated calls, each in
a fresh ThreadPoolExecutor thread, the way the `spaces` worker runs every task
(zero/wrappers.py, thread_wrapper; a streaming handler is iterated there too).
It also runs the Space's own pickle-boundary test (tests/test_pickle_boundary.py)
with real CUDA tensors in play, and checks that a CUDA tensor is refused there.

    python benchmarks/gpu_durations.py --apps DIR --out DIR [--repeats 5]
    python benchmarks/gpu_durations.py --apps DIR --out DIR --preset MODEL_ID
    python benchmarks/gpu_durations.py --table benchmarks/results/gpu_durations.json

DIR holds one rendered Space per task (rendered with duration_strategy=dynamic,
so app.estimate_duration is there to compare). Prints a Markdown table and
writes it, with the raw timings as JSON, to --out. See benchmarks/README.md
for how the numbers set the facts file's durations.

With --preset MODEL_ID, only the tasks whose module lists that larger preset
(its PRESETS) run: a model of the preset's shape, timed over the module's
preset_bench_calls(MODEL_ID); each result records it as "model".
"""

import argparse
import contextlib
import importlib
import json
import os
import pickle
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT / "src"))

from tasks import model_env  # noqa: E402

from zgscaffold.facts import Facts, load_facts  # noqa: E402

BOUNDARY_TEST = "tests/test_pickle_boundary.py"  # the Space's own
BOUNDARY_OUTCOME = {True: "passed", False: "FAILED", None: "not run"}
PACKAGES = ("torch", "transformers", "diffusers", "peft", "gradio", "spaces")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def in_worker_thread(call):
    """Run `call` in a fresh ThreadPoolExecutor thread, as ZeroGPU's worker runs each
    task: per-thread state (cuDNN plans, CUDA streams, AoTI's loaded package) starts
    empty on every call, as it does there."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(call).result()


def timed(runner, work, repeats: int, warm: bool = True) -> list[float]:
    """Seconds of `repeats` runs of `runner(work)`, after one warm-up run (kernels,
    allocator, cuDNN autotune) unless `warm` is false."""
    if warm:
        runner(work)
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        runner(work)
        seconds.append(time.perf_counter() - started)
    return seconds


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        with contextlib.suppress(PackageNotFoundError):
            found[name] = version(name)
    return found


def time_task(task: str, app_dir: Path, repeats: int, preset: str | None = None) -> dict:
    """Runs in a child process: load the app on CUDA and time its handler (over the
    preset's calls where `preset` names one)."""
    import torch

    module = importlib.import_module(f"tasks.{task.replace('-', '_')}")
    sys.path.insert(0, str(app_dir))
    started = time.perf_counter()
    app = importlib.import_module("app")
    load_seconds = time.perf_counter() - started
    handler = getattr(app, module.HANDLER)
    parameters = sum(p.numel() for p in _parameters(app))
    rows = []
    for label, arguments, inputs in bench_calls(module, preset):

        def call(arguments=arguments):
            result = handler(*arguments)
            if hasattr(result, "__next__"):
                result = list(result)[-1]
            if torch.cuda.is_available():
                torch.cuda.synchronize()
            return result

        seconds = timed(in_worker_thread, call, repeats)
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
        **({"model": preset} if preset else {}),
        "parameters": parameters,
        "load_seconds": load_seconds,
        "device": torch.cuda.get_device_name() if torch.cuda.is_available() else "cpu",
        "dtype": str(app.dtype),
        "where": "a fresh ThreadPoolExecutor thread per call (the spaces worker's way)",
        "versions": versions(),
        "rows": rows,
    }


def bench_calls(module, preset: str | None) -> list[tuple[str, tuple, dict]]:
    return module.preset_bench_calls(preset) if preset else module.bench_calls()


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


def scale_to_large(facts: Facts, seconds: float) -> float:
    """Wall seconds on a ZeroGPU `large` slice for `seconds` measured on the benchmark GPU."""
    return seconds * facts.model.benchmark.to_large


def estimators(tasks: list[str], model: str | None = None) -> dict[str, Any]:
    """Each task's estimate_duration, from an app rendered now with the facts as they
    are (benchmarks/render_apps.py), for `model` where given: the template is the
    formula's one copy."""
    from tasks import app_estimator

    out = Path(tempfile.mkdtemp(prefix="estimators-"))
    subprocess.run(
        [
            *(sys.executable, str(ROOT / "benchmarks" / "render_apps.py"), str(out), *tasks),
            *(("--data", f"model_id={model}") if model else ()),
        ],
        check=True,
        capture_output=True,
    )
    return {task: app_estimator(out / task / "app.py") for task in tasks}


def task_label(result: dict) -> str:
    """The task, and the preset model its result timed, if any."""
    return f"{result['task']} ({result['model']})" if "model" in result else result["task"]


def table(results: list[dict]) -> str:
    """The Markdown results table, with declared durations from the facts file."""
    facts = load_facts(ROOT / "facts" / "zerogpu.yml")
    rules, wall_factor = facts.model.duration, facts.wall_factor("large")
    stacks = sorted(
        {", ".join(f"{k} {v}" for k, v in r.get("versions", {}).items()) for r in results}
    )
    lines = [
        f"GPU: {', '.join(sorted({r['device'] for r in results}))}. Versions: "
        + ("; ".join(stacks) or "not recorded")
        + f". Calls: {results[0].get('where', 'on the main thread')}.",
        "",
        f"How a measured second becomes a declared one: p95 x {facts.model.benchmark.to_large} "
        f"(the {facts.model.benchmark.gpu} to a ZeroGPU `large` slice, benchmarks/README.md) "
        f"is the wall time the call needs; each declared second on `large` gives {wall_factor} s "
        f"of wall time (spaces' duration_factor). ratio = declared x {wall_factor} / "
        f"(p95 x {facts.model.benchmark.to_large}), aimed at 1.1-2; the floor "
        f"({rules.floor_seconds} s) and the cap ({facts.max_declared('large')} s declared on "
        "`large`) bound it.",
        "",
        "| task | model (params, dtype) | inputs | p50 s | p95 s | needed on large s "
        "| fixed s (ratio) | dynamic s (ratio) |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    models = {result.get("model") for result in results}
    estimate = {
        model: estimators([r["task"] for r in results if r.get("model") == model], model)
        for model in models
    }
    for result in results:
        task, model = result["task"], result.get("model")
        module = importlib.import_module(f"tasks.{task.replace('-', '_')}")
        arguments = {label: args for label, args, _ in bench_calls(module, model)}
        declared = facts.tasks[task]["presets"][model] if model else facts.tasks[task]
        fixed = declared["duration"]["fixed"]
        for row in result["rows"]:
            needed = scale_to_large(facts, row["p95"])
            dynamic = estimate[model][task](*arguments[row["label"]])
            lines.append(
                f"| {task_label(result)} | {result['parameters'] / 1e6:.0f}M, "
                f"{result['dtype'].replace('torch.', '')} | {row['label']} | {row['p50']:.3f} "
                f"| {row['p95']:.3f} | {needed:.2f} "
                f"| {fixed} ({fixed * wall_factor / needed:.1f}x) "
                f"| {dynamic} ({dynamic * wall_factor / needed:.1f}x) |"
            )
    boundary = ", ".join(
        f"{task_label(r)}: {BOUNDARY_OUTCOME[r.get('boundary_passed')]}"
        f"{', CUDA tensor refused' if r.get('cuda_tensor_refused') else ''}"
        for r in results
    )
    lines += ["", f"Pickle boundary on the GPU (the Space's own test): {boundary}."]
    return "\n".join(lines) + "\n"


def build(task: str, scale: str, preset: str | None = None) -> tuple[str, Path, float]:
    """Build the task's model, or its preset's (CPU work: random weights, saved); run in
    a pool."""
    module = importlib.import_module(f"tasks.{task.replace('-', '_')}")
    builder = module.PRESETS[preset] if preset else module.build_model
    model_dir = Path(tempfile.mkdtemp(prefix=f"bench-{task}-"))
    started = time.perf_counter()
    builder(model_dir, scale)
    return task, model_dir, time.perf_counter() - started


def presets(task: str) -> dict:
    """The task module's larger presets: model id -> builder (none for most tasks)."""
    return getattr(importlib.import_module(f"tasks.{task.replace('-', '_')}"), "PRESETS", {})


def boundary_test(task: str, app_dir: Path, env: dict[str, str]) -> tuple[str, bool, list[str]]:
    run = subprocess.run(
        # The Space's own pytest configuration, even where the Space sits in this checkout.
        [
            *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
            *("-c", "pyproject.toml", BOUNDARY_TEST),
        ],
        cwd=app_dir,
        env=env,
        capture_output=True,
        text=True,
    )
    if run.returncode:
        print(f"{task}: pickle-boundary test failed\n{run.stdout[-3000:]}{run.stderr[-2000:]}")
    return task, run.returncode == 0, run.stdout.strip().splitlines()[-1:] or ["no output"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--table", type=Path, help="print the table of a results JSON")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--task", action="append", help="only these tasks")
    parser.add_argument("--scale", default="bench", help="model size: bench, or tiny (a dry run)")
    parser.add_argument(
        "--preset",
        metavar="MODEL_ID",
        help="time this larger preset model instead of the default, in the tasks that list it",
    )
    parser.add_argument(
        "--jobs", type=int, default=4, help="models built and boundaries tested at once"
    )
    parser.add_argument(
        "--boundary-only",
        type=Path,
        metavar="RESULTS_JSON",
        help="no timings: run the Spaces' own pickle-boundary tests on the GPU and write "
        "RESULTS_JSON, with their outcomes recorded, under --out",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.table:
        print(table(json.loads(args.table.read_text())), end="")
        return
    if not (args.apps and args.out):
        parser.error("--apps and --out are needed to run the benchmark")
    if args.child:  # one task per process, so each starts with a clean GPU
        result = time_task(args.child, args.apps / args.child, args.repeats, args.preset)
        if torch_cuda():
            result["cuda_tensor_refused"] = cuda_tensor_is_refused(args.apps / args.child)
        print("RESULT " + json.dumps(result), flush=True)
        return

    args.out.mkdir(parents=True, exist_ok=True)
    tasks = args.task or sorted(p.name for p in args.apps.iterdir() if (p / "app.py").exists())
    if args.preset:
        tasks = [task for task in tasks if args.preset in presets(task)]
        if not tasks:
            parser.error(f"no task among those asked for has the preset {args.preset}")
        for task in tasks:
            if json.dumps(args.preset) not in (args.apps / task / "app.py").read_text():
                print(
                    f"{task}: app.py was rendered for another model (its dtype and "
                    f"estimate_duration are that model's): render it with "
                    f"--data model_id={args.preset}",
                    flush=True,
                )
    # Models are built (CPU) in parallel up front; the GPU timings run one task at a time.
    with ProcessPoolExecutor(args.jobs) as pool:
        built = {
            task: (model_dir, seconds)
            for task, model_dir, seconds in pool.map(
                build, tasks, [args.scale] * len(tasks), [args.preset] * len(tasks)
            )
        }
    envs = {
        task: {**os.environ, **model_env(task, built[task][0]), "PYTHONUNBUFFERED": "1"}
        for task in tasks
    }
    if args.boundary_only:
        recorded = json.loads(args.boundary_only.read_text())
        results = [r for r in recorded if r["task"] in tasks and r.get("model") == args.preset]
    else:
        recorded = results = time_every_task(tasks, built, envs, args)
    # The Spaces' own pickle-boundary tests, after the timings (they would disturb them).
    with ThreadPoolExecutor(args.jobs) as pool:
        outcomes = pool.map(
            lambda r: boundary_test(r["task"], args.apps / r["task"], envs[r["task"]]), results
        )
        for result, (_, passed, summary) in zip(results, outcomes, strict=True):
            result["boundary_passed"], result["boundary_test"] = passed, summary
    (args.out / "gpu_durations.json").write_text(json.dumps(recorded, indent=2) + "\n")
    try:
        rendered = table(recorded)
    except subprocess.CalledProcessError:  # render_apps.py needs copier, absent on a GPU box
        print("no table: run --table on the JSON where copier is installed")
        return
    (args.out / "gpu_durations.md").write_text(rendered)
    print(rendered, end="")


def time_every_task(
    tasks: list[str],
    built: dict[str, tuple[Path, float]],
    envs: dict[str, dict[str, str]],
    args: argparse.Namespace,
) -> list[dict[str, Any]]:
    """One child process per task, one task at a time: the timings."""
    results: list[dict[str, Any]] = []
    for task in tasks:
        build_seconds = built[task][1]
        child = subprocess.run(
            [
                *(sys.executable, __file__, "--apps", str(args.apps), "--out", str(args.out)),
                *("--repeats", str(args.repeats), "--child", task),
                *(("--preset", args.preset) if args.preset else ()),
            ],
            env=envs[task],
            capture_output=True,
            text=True,
        )
        lines = [line for line in child.stdout.splitlines() if line.startswith("RESULT ")]
        if child.returncode or not lines:
            print(f"{task}: timing failed\n{child.stderr[-3000:]}", flush=True)
            continue
        result = json.loads(lines[-1][7:])
        result["build_seconds"] = build_seconds
        results.append(result)
        print(json.dumps({k: v for k, v in result.items() if k != "rows"}), flush=True)
        for row in result["rows"]:
            print(f"  {row['label']}: p50 {row['p50']:.3f} s, p95 {row['p95']:.3f} s", flush=True)
        (args.out / "gpu_durations.json").write_text(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
