"""GPU helpers shared by the app: decorators that work on and off ZeroGPU."""

import os

import spaces

ON_SPACES = "SPACE_ID" in os.environ


def on_gpu(duration: int = 60):
    def wrap(fn):
        return spaces.GPU(duration=duration)(fn)

    return wrap


if ON_SPACES:
    quick = spaces.GPU(duration=20)
else:

    def quick(fn):
        return fn
