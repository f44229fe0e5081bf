"""ZG4xx: process isolation and pickle."""

import ast
from collections.abc import Iterator

from zgscaffold.check.cudaflow import CUDA, MODEL, PIPE
from zgscaffold.check.model import GRAPH, E, Finding, Rule, W
from zgscaffold.check.pyscope import (
    FunctionNode,
    GpuFunction,
    function_body,
)
from zgscaffold.check.rules.base import (
    MUTATORS,
    ModuleChecks,
    _is_generator,
    _parameters,
)

FAMILY = "process isolation and pickle"
RULES = (
    Rule("ZG401", E, "a @spaces.GPU function never returns a CUDA tensor", needs=(GRAPH,)),
    Rule("ZG402", E, "@spaces.GPU is not applied to `async def` (async generators included)"),
    Rule("ZG403", E, "GPU arguments and return values are picklable"),
    Rule("ZG404", W, "a gr.State mutated in a decorated generator is yielded back"),
)


class Checks(ModuleChecks):
    def run(self) -> Iterator[Finding]:
        yield from self.zg403_arguments()
        for gpu in self.info.gpu:
            yield from self.zg40x_isolation(gpu)

    def zg403_arguments(self) -> Iterator[Finding]:
        info = self.info
        for node in info.nodes:
            if isinstance(node, ast.Call) and info.calls_gpu(node):
                for argument in [*node.args, *(k.value for k in node.keywords)]:
                    if self._unpicklable(argument, None):
                        yield self.finding(
                            "ZG403",
                            argument,
                            "this argument cannot be pickled to the GPU process: pass plain "
                            "data (str, numbers, numpy, PIL) instead",
                        )

    def zg40x_isolation(self, gpu: GpuFunction) -> Iterator[Finding]:
        function = gpu.node
        if isinstance(function, ast.AsyncFunctionDef):
            yield self.finding(
                "ZG402",
                function,
                f"@spaces.GPU cannot decorate `async def {function.name}` ("
                + (
                    "an async generator: PicklingError"
                    if _is_generator(function)
                    else "NotImplementedError"
                )
                + " on ZeroGPU): make it a plain def (a generator is fine)",
            )
        flow = self.project.flow
        for node, kind in flow.returned(function, self.info):
            value = node.value
            if kind == CUDA:
                yield self.finding(
                    "ZG401",
                    node,
                    f"`{function.name}` returns a CUDA tensor, which the main process cannot "
                    f"unpickle: return `.cpu()`, numpy, PIL, str or a file path",
                )
            elif kind in (MODEL, PIPE):
                yield self.finding(
                    "ZG401",
                    node,
                    f"`{function.name}` returns {kind}, whose CUDA weights the main process "
                    f"cannot unpickle: keep it at module scope and return its output on the CPU",
                )
            elif self._unpicklable(value, function):
                yield self.finding(
                    "ZG403",
                    node,
                    f"`{function.name}` returns an object that cannot be pickled back (lambda, "
                    f"closure, generator, open file, lock, connection): return plain data",
                )
        if _is_generator(function):
            yield from self._zg404(function)

    def _zg404(self, function: FunctionNode) -> Iterator[Finding]:
        positional, keyword = _parameters(function)
        params = {a.arg for a in [*positional, *keyword]} - {"self", "cls"}
        yielded: set[str] = set()
        for node in function_body(function):
            if isinstance(node, ast.Yield) and node.value is not None:
                yielded |= {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)}
        reported: set[str] = set()
        for node in function_body(function):
            target = None
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and (node.func.attr in MUTATORS)
            ):
                target = node.func.value
            elif isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(
                node.ctx, (ast.Store, ast.Del)
            ):
                target = node.value
            elif isinstance(node, ast.AugAssign):
                target = node.target
            if (
                isinstance(target, ast.Name)
                and target.id in params
                and (target.id not in yielded and target.id not in reported)
            ):
                reported.add(target.id)
                yield self.finding(
                    "ZG404",
                    node,
                    f"`{target.id}` is changed inside a GPU generator, on a pickled copy: yield "
                    f"it back (as a gr.State output) or the change is lost",
                )
