"""Loaded by the app processes under test (PYTHONPATH): logs each @spaces.GPU call.

The generated app.py runs unmodified; `spaces.GPU` is wrapped so that every call
of a decorated handler appends its name to $ZG_GPU_CALLS. Generator handlers
stay generator functions, so Gradio still streams them.
"""

import functools
import inspect
import os

_LOG = os.environ.get("ZG_GPU_CALLS")

if _LOG:
    import spaces

    _real_gpu = spaces.GPU

    def _record(name: str) -> None:
        with open(_LOG, "a") as log:
            log.write(name + "\n")

    def _traced(handler, decorated):
        if inspect.isgeneratorfunction(handler):

            @functools.wraps(handler)
            def generator(*args, **kwargs):
                _record(handler.__name__)
                yield from decorated(*args, **kwargs)

            return generator

        @functools.wraps(handler)
        def function(*args, **kwargs):
            _record(handler.__name__)
            return decorated(*args, **kwargs)

        return function

    def GPU(*args, **kwargs):
        if args and callable(args[0]) and not kwargs:
            return _traced(args[0], _real_gpu(args[0]))
        decorator = _real_gpu(*args, **kwargs)
        return lambda handler: _traced(handler, decorator(handler))

    spaces.GPU = GPU
