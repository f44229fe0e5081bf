"""Call the GPU handler the way ZeroGPU does, and check what comes back.

On ZeroGPU, a @spaces.GPU handler runs in a separate process that holds the
GPU: its arguments are pickled on the way in, and everything it returns or
yields is pickled on the way back to the main process, which has no CUDA.
A handler that returns a CUDA tensor (or an object holding one) works on
your own GPU and breaks on ZeroGPU. This test reproduces that boundary:

    uv run pytest

It loads the real model (MODEL_ID, if set, picks another one), so the first
run downloads it.
"""

import os
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest

# (handler name, arguments) of each @spaces.GPU handler in app.py, with small inputs.
CALLS: list[tuple[str, tuple]] = [
    ("chat", ("Explain in one sentence what a GPU does.", [], 16, 0.0)),
    (
        "chat",
        (
            "And a CPU?",
            [
                {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
                {"role": "assistant", "content": "Hello."},
            ],
            16,
            0.7,
        ),
    ),
]


SPACE = Path(__file__).resolve().parents[1]


def _gpu_side(handler: str, arguments: bytes) -> list[bytes]:
    """The GPU worker: import the app, run the handler, pickle every output."""
    sys.path.insert(0, str(SPACE))
    import app

    result = getattr(app, handler)(*pickle.loads(arguments))
    outputs = list(result) if hasattr(result, "__next__") else [result]
    return [pickle.dumps(output) for output in outputs]


def _refuse_cuda(*_args, **_kwargs):
    raise AssertionError("the main process touched CUDA while unpickling a result")


def _without_cuda() -> None:
    """The main process on ZeroGPU: no CUDA, and any attempt to start it fails."""
    os.environ["CUDA_VISIBLE_DEVICES"] = ""
    import torch

    torch.cuda._lazy_init = _refuse_cuda
    torch.cuda.init = _refuse_cuda


def _main_side(outputs: list[bytes]) -> list:
    return [pickle.loads(output) for output in outputs]


class ZeroGPU:
    """Two processes, started once for every call: the GPU worker, which imports
    app.py (and loads its model) on the first call, and the main side, which has
    no CUDA. Python starts each with "spawn", so neither inherits this one's state."""

    def __init__(self) -> None:
        spawn = get_context("spawn")
        self.gpu = ProcessPoolExecutor(1, mp_context=spawn)
        self.main = ProcessPoolExecutor(1, mp_context=spawn, initializer=_without_cuda)

    def call(self, handler: str, *arguments) -> list:
        """Run `handler(*arguments)` across the boundary; return its outputs as the
        main process sees them (one item per yield for a generator)."""
        pickled = self.gpu.submit(_gpu_side, handler, pickle.dumps(arguments)).result()
        return self.main.submit(_main_side, pickled).result()

    def close(self) -> None:
        self.gpu.shutdown()
        self.main.shutdown()


@pytest.fixture(scope="module")
def zerogpu():
    boundary = ZeroGPU()
    yield boundary
    boundary.close()


def _assert_cpu_only(value, where: str = "output") -> None:
    if type(value).__module__.startswith("torch"):
        device = getattr(value, "device", None)
        assert device is None or device.type == "cpu", f"{where} is on {device}"
    elif isinstance(value, dict):
        for key, item in value.items():
            _assert_cpu_only(item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _assert_cpu_only(item, f"{where}[{index}]")


def test_every_handler_has_a_sample_call():
    assert CALLS, "list sample calls of each @spaces.GPU handler in CALLS"


@pytest.mark.parametrize(("handler", "arguments"), CALLS, ids=[call[0] for call in CALLS])
def test_results_cross_the_pickle_boundary(zerogpu, handler, arguments):
    outputs = zerogpu.call(handler, *arguments)
    assert outputs, f"{handler} returned nothing"
    for output in outputs:
        assert output is not None, f"{handler} returned None"
        _assert_cpu_only(output)
