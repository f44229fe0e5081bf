"""The durations in the facts file against the committed GPU measurements.

benchmarks/gpu_durations.py timed every task's handler on a GPU with a model of
the default model's size (benchmarks/results/gpu_durations.json); these tests
check that the facts file's coefficients still declare enough for every
measured input, and that no UI lets a visitor ask for more than the cap holds.
"""

import importlib.util
import json

import pytest
from conftest import REPO

RESULTS = json.loads((REPO / "benchmarks" / "results" / "gpu_durations.json").read_text())
# Task types without GPU timings, and why: each must say so in facts/zerogpu.yml.
UNMEASURED = {"chat-lora": "the benchmark ran out of device time; it borrows text-generation's"}


def benchmark_module():
    spec = importlib.util.spec_from_file_location(
        "gpu_durations", REPO / "benchmarks" / "gpu_durations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rows():
    for result in RESULTS:
        for row in result["rows"]:
            yield pytest.param(result["task"], row, id=f"{result['task']}-{row['label']}")


def test_every_task_is_measured_or_says_why(facts):
    measured = {result["task"] for result in RESULTS}
    assert measured | set(UNMEASURED) == set(facts.tasks)
    assert not measured & set(UNMEASURED)
    text = (REPO / "facts" / "zerogpu.yml").read_text()
    for task in UNMEASURED:
        preset_block = text.split(f"\n  {task}:\n", 1)[1].split("\n    tags:", 1)[0]
        assert "Not timed on a GPU" in preset_block, f"facts/zerogpu.yml: say why {task} is not"


def test_every_measurement_crossed_the_pickle_boundary():
    for result in RESULTS:
        assert result["boundary_passed"], f"{result['task']}: the Space's own test failed"
        assert result["cuda_tensor_refused"], f"{result['task']}: a CUDA tensor got through"


@pytest.mark.parametrize(("task", "row"), list(rows()))
def test_dynamic_duration_covers_the_measured_time(task, row, facts):
    bench = benchmark_module()
    module = bench.importlib.import_module(f"tasks.{task.replace('-', '_')}")
    declared = bench.declared_dynamic(facts.data, task, row["inputs"], module)
    scaled = row["p95"] * bench.ZEROGPU_LARGE_FACTOR
    assert declared >= 1.1 * scaled, (
        f"{task} {row['label']}: declares {declared} s for {scaled:.1f} s measured (scaled)"
    )
    cap = facts.data["duration"]["cap_seconds"]
    floor = facts.data["duration"]["floor_seconds"]
    if floor < declared < cap:  # the floor and the cap may widen the ratio
        assert declared <= 2.5 * scaled, f"{task} {row['label']}: {declared} s is loose"


@pytest.mark.parametrize("task", ["text-generation", "chat-lora"])
def test_the_longest_reply_fits_under_the_cap(task, facts):
    preset = facts.tasks[task]
    coefficients = preset["duration"]["dynamic"]
    longest = preset["limits"]["max_new_tokens"]
    seconds = coefficients["base"] + coefficients["per_token"] * longest
    assert seconds <= facts.data["duration"]["cap_seconds"]
