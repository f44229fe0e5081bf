"""Every task's generated Space, run for real on CPU with a tiny model."""

import os
import pickle
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from gradio_client import Client

from .conftest import TASKS
from .tasks import load, model_env

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("task", TASKS)
def test_startup_runs_no_gpu_call_and_endpoints_answer(task, running_app):
    app = running_app(task)
    assert app.calls_at_ready == [], f"start-up ran the GPU handler: {app.calls_at_ready}"
    client = Client(app.url, verbose=False)
    load(task).check_endpoints(client, app.dir)
    assert load(task).HANDLER in app.gpu_calls(), "the endpoint did not go through @spaces.GPU"


@pytest.mark.parametrize("task", TASKS)
def test_eight_concurrent_visitors_get_their_own_answers(task, running_app):
    app = running_app(task)
    module = load(task)
    reference = [module.concurrent_call(Client(app.url, verbose=False), i)[0] for i in range(8)]

    def visit(index: int):
        return module.concurrent_call(Client(app.url, verbose=False), index)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(visit, range(8)))
    for index, (answer, _files) in enumerate(results):
        assert answer == reference[index], f"call {index} got another call's answer"
    paths = [str(path) for _answer, files in results for path in files]
    assert len(paths) == len(set(paths)), f"calls shared a file: {paths}"
    distinct = {pickle.dumps(answer) for answer, _files in results}
    if task != "speech-to-text":  # a random tiny Whisper may say the same for every tone
        assert len(distinct) > 1, "different inputs gave one answer"


@pytest.mark.parametrize("task", TASKS)
def test_the_spaces_own_pickle_boundary_test_passes(task, space, tiny_model, tmp_path):
    """The shipped tests/test_pickle_boundary.py, as an owner runs it, on the tiny model."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_pickle_boundary.py",
        ],
        cwd=space(task),
        capture_output=True,
        text=True,
        timeout=900,
        # Without this checkout's pytest plugins (1.3 s a start): a Space's own
        # environment has none of them.
        env={
            **os.environ,
            **model_env(task, tiny_model(task)),
            "HF_HUB_OFFLINE": "1",
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        },
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout.splitlines()[-1]


def test_the_boundary_refuses_what_needs_cuda(space):
    """The main side of the shipped harness fails on anything that starts CUDA."""
    import importlib

    # Spawned processes import the module by name, from the sys.path they inherit.
    sys.path.insert(0, str(Path(space("custom")) / "tests"))
    boundary = importlib.import_module("test_pickle_boundary")
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    class StartsCuda:
        def __reduce__(self):
            import torch

            return (torch.cuda.init, ())

    with ProcessPoolExecutor(
        1, mp_context=get_context("spawn"), initializer=boundary._without_cuda
    ) as main:
        plain = main.submit(boundary._main_side, [pickle.dumps({"text": "ok"})]).result()
        assert plain == [{"text": "ok"}]
        with pytest.raises(AssertionError, match="touched CUDA"):
            main.submit(boundary._main_side, [pickle.dumps(StartsCuda())]).result()
