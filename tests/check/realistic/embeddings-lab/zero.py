"""GPU helpers shared by the app: decorators that work on and off ZeroGPU."""

import os

import spaces

ON_SPACES = "SPACE_ID" in os.environ


def gpu(fn):
    return spaces.GPU(fn)


def on_gpu(duration: int = 60):
    def wrap(fn):
        return spaces.GPU(duration=duration)(fn)

    return wrap


quick = spaces.GPU(duration=20) if ON_SPACES else (lambda fn: fn)
