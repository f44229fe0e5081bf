"""Larger model presets beside a task's small default (facts' `presets`, the
image_model question): the rendered app takes the preset's dtype and durations,
whether the owner picked it from the choices or typed its id as model_id."""

import os
import subprocess
import sys

import pytest
from conftest import REPO
from e2e.tasks import load

from zgscaffold.facts import load_facts

FACTS = load_facts(REPO / "facts" / "zerogpu.yml")
PRESETS = [
    (task, model) for task, entry in FACTS.tasks.items() for model in entry.get("presets", {})
]


def preset(task: str, model: str) -> dict:
    return FACTS.tasks[task]["presets"][model]


def app_source(matrix_render, answers: dict) -> str:
    return (matrix_render(answers).project_dir / "app.py").read_text()


def test_text_to_image_offers_a_larger_model():
    """Issue 16: a FLUX- or Z-Image-class model beside the small default."""
    assert any(task == "text-to-image" for task, _ in PRESETS)
    for task, model in PRESETS:
        assert model != FACTS.tasks[task]["model"]


@pytest.mark.parametrize(("task", "model"), PRESETS)
def test_the_app_runs_the_preset_in_its_dtype(task, model, matrix_render):
    answers = {"task": task, "duration_strategy": "dynamic", "image_model": model}
    source = app_source(matrix_render, answers)
    assert f'MODEL_ID = os.environ.get("MODEL_ID", "{model}")' in source
    dtype = preset(task, model)["dtype"]
    assert f'dtype = torch.{dtype} if device.type == "cuda" else torch.float32' in source
    default = app_source(matrix_render, {"task": task, "duration_strategy": "dynamic"})
    assert f"torch.{dtype} if" not in default, "the default model keeps its own dtype"


@pytest.mark.parametrize(("task", "model"), PRESETS)
def test_the_dynamic_estimate_uses_the_presets_coefficients(task, model, matrix_render):
    answers = {"task": task, "duration_strategy": "dynamic", "image_model": model}
    source = app_source(matrix_render, answers)
    coefficients = preset(task, model)["duration"]["dynamic"]
    assert f"clamp_seconds({coefficients['base']} + {coefficients['per_step_megapixel']} *" in (
        source
    )
    default = FACTS.tasks[task]["duration"]["dynamic"]
    assert f"clamp_seconds({default['base']} + {default['per_step_megapixel']} *" not in source


@pytest.mark.parametrize(("task", "model"), PRESETS)
def test_the_fixed_duration_defaults_to_the_presets(task, model, matrix_render):
    answers = {"task": task, "duration_strategy": "fixed", "image_model": model}
    render = matrix_render(answers)
    fixed = preset(task, model)["duration"]["fixed"]
    limit = FACTS.max_declared("large")
    assert render.answers["duration_seconds"] == min(fixed, limit)
    assert f"@spaces.GPU(duration={min(fixed, limit)})" in app_source(matrix_render, answers)


@pytest.mark.parametrize(("task", "model"), PRESETS)
@pytest.mark.parametrize("strategy", ["fixed", "dynamic"])
def test_typing_the_presets_id_gives_the_same_app(task, model, strategy, matrix_render):
    """The template keys the preset off model_id: `zgscaffold new --model-id` (no
    image_model flag) renders the Space the choice renders."""
    chosen = {"task": task, "duration_strategy": strategy, "image_model": model}
    typed = {"task": task, "duration_strategy": strategy, "model_id": model}
    assert app_source(matrix_render, typed) == app_source(matrix_render, chosen)


@pytest.mark.parametrize(("task", "model"), PRESETS)
def test_every_preset_has_a_model_builder_and_bench_calls(task, model):
    """tests/e2e/tasks/<task>.py builds the preset's model (random weights, its shape)
    for the CPU test below and the GPU benchmark, and names the inputs it times."""
    module = load(task)
    assert callable(module.PRESETS[model])
    assert module.preset_bench_calls(model)


RUN_THE_HANDLER = """
import importlib.util, pickle, sys
spec = importlib.util.spec_from_file_location("app", sys.argv[1])
app = importlib.util.module_from_spec(spec)
spec.loader.exec_module(app)
image = pickle.loads(pickle.dumps(app.generate("A lighthouse at dawn", 1, 256, 320, 0.0, 3)))
print(type(app.pipe).__name__, type(image).__name__, image.size)
"""


@pytest.mark.models
@pytest.mark.parametrize(("task", "model"), PRESETS)
def test_the_rendered_preset_app_runs_its_pipeline(task, model, matrix_render, tmp_path):
    """The app rendered for the preset, unmodified, on a tiny model of the preset's
    architecture (CPU, float32): one image of the asked size crosses a pickle."""
    weights = tmp_path / "model"
    load(task).PRESETS[model](weights, "tiny")
    answers = {"task": task, "duration_strategy": "dynamic", "image_model": model}
    app_py = matrix_render(answers).project_dir / "app.py"
    result = subprocess.run(
        [sys.executable, "-c", RUN_THE_HANDLER, str(app_py)],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "MODEL_ID": str(weights), "HF_HUB_OFFLINE": "1"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split("\n")[-2] == "FluxPipeline Image (256, 320)"
