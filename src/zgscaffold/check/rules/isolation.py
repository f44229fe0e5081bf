"""ZG4xx: process isolation and pickle."""

import ast
from collections.abc import Iterator

from zgscaffold.check.model import GRAPH, Finding, Rule, Severity
from zgscaffold.check.pyscope import (
    FunctionNode,
    GpuFunction,
    function_body,
)
from zgscaffold.check.rules.base import (
    MUTATORS,
    ModuleChecks,
    Project,
    _is_device_move,
    _is_generator,
    _mentions_device,
    _parameters,
)

E, W, INFO = Severity.error, Severity.warning, Severity.info
FAMILY = "process isolation and pickle"
RULES = (
    Rule("ZG401", E, "a @spaces.GPU function never returns a CUDA tensor", needs=(GRAPH,)),
    Rule("ZG402", E, "@spaces.GPU is not applied to `async def`"),
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

    # --- ZG4xx -----------------------------------------------------------------
    def _assignments(self, function: FunctionNode) -> dict[str, list[ast.Assign]]:
        found: dict[str, list[ast.Assign]] = {}
        for node in function_body(function):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found.setdefault(target.id, []).append(node)
        return found

    def _cuda_value(
        self,
        node: ast.AST | None,
        assigned: dict[str, list[ast.Assign]],
        before: int,
        depth: int = 0,
    ) -> bool:
        if node is None or depth > 6:
            return False
        if isinstance(node, (ast.Tuple, ast.List)):
            return any(self._cuda_value(e, assigned, before, depth + 1) for e in node.elts)
        if isinstance(node, ast.Name):
            candidates = [a for a in assigned.get(node.id, []) if a.lineno < before]
            if candidates:
                last = max(candidates, key=lambda a: a.lineno)
                return self._cuda_value(last.value, assigned, last.lineno, depth + 1)
            return False
        if isinstance(node, (ast.Subscript, ast.Attribute)) and not isinstance(node.ctx, ast.Store):
            if isinstance(node, ast.Attribute) and node.attr in ("shape", "dtype", "device"):
                return False
            return self._cuda_value(node.value, assigned, before, depth + 1)
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                if func.attr in (
                    "cpu",
                    "numpy",
                    "tolist",
                    "item",
                    "decode",
                    "batch_decode",
                    "detach_cpu",
                    "save",
                    "postprocess",
                ):
                    return False
                if _is_device_move(node) or func.attr == "generate":
                    return True
                if func.attr in (
                    "detach",
                    "float",
                    "half",
                    "squeeze",
                    "unsqueeze",
                    "clone",
                    "contiguous",
                    "permute",
                    "to",
                    "argmax",
                    "softmax",
                    "sigmoid",
                    "mean",
                    "sum",
                    "flatten",
                    "view",
                    "reshape",
                ):
                    return self._cuda_value(func.value, assigned, before, depth + 1)
            if (
                isinstance(func, ast.Name)
                and func.id not in assigned
                and self._device_model(func.id)
            ):
                return True  # the output of a model placed on the device is on the device
            resolved = self.info.resolve(func) or ""
            if resolved.startswith("torch.") and any(
                k.arg == "device" and _mentions_device(k.value) for k in node.keywords
            ):
                return True
        return False

    def _device_model(self, name: str) -> bool:
        """`name` is a module-level model put on the device (`X.from_pretrained(...).to(device)`),
        not a pipeline (whose outputs are Python objects, text or PIL images)."""
        for value in self.info.module_values.get(name, []):
            if not (isinstance(value, ast.Call) and _is_device_move(value)):
                continue
            inner: ast.AST = value
            names = []
            while isinstance(inner, (ast.Call, ast.Attribute)):
                if isinstance(inner, ast.Attribute):
                    names.append(inner.attr)
                inner = inner.func if isinstance(inner, ast.Call) else inner.value
            if isinstance(inner, ast.Name):
                names.append(self.info.resolve(inner) or inner.id)
            if "from_pretrained" in names and not any("pipeline" in n.lower() for n in names):
                return True
        return False

    def zg40x_isolation(self, gpu: GpuFunction) -> Iterator[Finding]:
        function = gpu.node
        if isinstance(function, ast.AsyncFunctionDef):
            yield self.finding(
                "ZG402",
                function,
                f"@spaces.GPU cannot decorate `async def {function.name}` (NotImplementedError on "
                f"ZeroGPU): make it a plain def",
            )
        assigned = self._assignments(function)
        for node in function_body(function):
            if not isinstance(node, (ast.Return, ast.Yield)) or node.value is None:
                continue
            if self._cuda_value(node.value, assigned, node.lineno):
                yield self.finding(
                    "ZG401",
                    node,
                    f"`{function.name}` returns a CUDA tensor, which the main process cannot "
                    f"unpickle: return `.cpu()`, numpy, PIL, str or a file path",
                )
            elif self._unpicklable(node.value, function):
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


def check(project: Project) -> Iterator[Finding]:
    for info in project.infos:
        yield from Checks(info, project).run()
