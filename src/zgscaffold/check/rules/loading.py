"""ZG2xx: the CUDA availability model and loading."""

import ast
from collections.abc import Iterator

from zgscaffold.check.model import GRAPH, Edit, Finding, Fix, Rule, Severity
from zgscaffold.check.pyscope import (
    FunctionNode,
    ModuleInfo,
    dotted,
    function_body,
    walk_module_scope,
)
from zgscaffold.check.rules.base import (
    CUDA_KERNELS,
    INFERENCE_METHODS,
    LOADERS,
    ModuleChecks,
    Project,
    _chain_has,
    _globals_declared,
    _is_cuda_string,
    _is_device_move,
    _locals,
    _mentions_device,
    _preprocessor,
    _string,
)

E, W, INFO = Severity.error, Severity.warning, Severity.info
FAMILY = "the CUDA availability model and loading"
RULES = (
    Rule("ZG201", W, "`import spaces` is unconditional (no try/except ImportError stand-in)"),
    Rule("ZG202", E, "no `torch.compile`; use AoTI (`spaces.aoti_*`)"),
    Rule(
        "ZG203", W, "models load eagerly at module scope, not lazily in a handler", needs=(GRAPH,)
    ),
    Rule("ZG204", W, "models are placed on the device at module scope, not in @spaces.GPU"),
    Rule("ZG205", W, "the device comes from the `torch.cuda.is_available()` idiom"),
    Rule("ZG206", W, "no branching on `torch.cuda.is_available()` beyond device selection"),
    Rule("ZG207", E, "no inference, warm-up or CUDA kernel at module scope"),
    Rule(
        "ZG208", E, "a Space that uses CUDA has at least one @spaces.GPU function", needs=(GRAPH,)
    ),
)


class Checks(ModuleChecks):
    def run(self) -> Iterator[Finding]:
        yield from self.zg201_shim()
        yield from self.zg202_compile()
        yield from self.zg203_lazy_loading()
        yield from self.zg204_205_206()
        yield from self.zg207_module_scope()

    # --- ZG201 -----------------------------------------------------------------
    def zg201_shim(self) -> Iterator[Finding]:
        for node in self.info.nodes:
            if not isinstance(node, ast.Try):
                continue
            imports = [
                stmt
                for stmt in node.body
                if isinstance(stmt, (ast.Import, ast.ImportFrom))
                and any(
                    (a.name if isinstance(stmt, ast.Import) else stmt.module or "").split(".")[0]
                    == "spaces"
                    for a in stmt.names
                )
            ]
            if not imports:
                continue
            catches = []
            for handler in node.handlers:
                if handler.type is None:
                    catches.append("")
                else:
                    for exc in ast.walk(handler.type):
                        catches.append(dotted(exc) or "")
            if not any(
                c in ("", "ImportError", "ModuleNotFoundError", "Exception", "BaseException")
                for c in catches
            ):
                continue
            fix = None
            only_imports = all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in node.body)
            if only_imports and not node.orelse and not node.finalbody and node.end_lineno:
                indent = " " * node.col_offset
                text = "".join(indent + ast.unparse(s) + "\n" for s in node.body)
                fix = Fix(
                    f"replaced the try/except ImportError around `import spaces` in {self.name} "
                    f"(lines {node.lineno}-{node.end_lineno}) with a plain import",
                    (Edit(node.lineno, node.end_lineno, text),),
                )
            yield self.finding(
                "ZG201",
                node,
                "`import spaces` is wrapped in try/except with a stand-in: import it plainly "
                "(off ZeroGPU, spaces.GPU is already a no-op)",
                fix,
            )

    def zg202_compile(self) -> Iterator[Finding]:
        info = self.info
        for node in info.nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for decorator in node.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    if info.resolve(target) == "torch.compile":
                        yield self.finding(
                            "ZG202",
                            decorator,
                            "torch.compile is not supported on ZeroGPU: compile ahead of time "
                            "with spaces.aoti_capture/aoti_compile/aoti_apply",
                        )
            if isinstance(node, ast.Call) and info.resolve(node.func) == "torch.compile":
                yield self.finding(
                    "ZG202",
                    node,
                    "torch.compile is not supported on ZeroGPU: compile ahead of time with "
                    "spaces.aoti_capture/aoti_compile/aoti_apply",
                )

    # --- ZG203 -----------------------------------------------------------------
    def _loads_model(self, call: ast.Call) -> bool:
        if isinstance(call.func, ast.Attribute) and call.func.attr == "from_pretrained":
            return True
        return (self.info.resolve(call.func) or "") in LOADERS

    def zg203_lazy_loading(self) -> Iterator[Finding]:
        info = self.info
        functions = [
            n for n in info.nodes if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
        handlers = {id(h) for h in info.handlers}
        for function in functions:
            cached = any(
                (info.resolve(d.func if isinstance(d, ast.Call) else d) or "")
                in ("functools.lru_cache", "functools.cache")
                for d in function.decorator_list
            )
            lazy_global = False
            globals_ = _globals_declared(function)
            if globals_:
                for node in function_body(function):
                    if isinstance(node, ast.If) and self._is_none_test(node.test, globals_):
                        lazy_global = True
            if id(function) not in handlers and not cached and not lazy_global:
                continue
            why = (
                "in a cached loader"
                if cached
                else "behind `global ...; if ... is None`"
                if lazy_global
                else "inside a handler"
            )
            for node in function_body(function):
                if isinstance(node, ast.Call) and self._loads_model(node):
                    yield self.finding(
                        "ZG203",
                        node,
                        f"the model loads lazily {why}: load it once at module scope so "
                        f"ZeroGPU can pack the weights at start-up",
                    )

    # --- ZG204, ZG205, ZG206 -----------------------------------------------------
    def zg204_205_206(self) -> Iterator[Finding]:
        info = self.info
        moved: set[int] = set()
        for gpu in info.gpu:
            local = _locals(gpu.node)
            for node in function_body(gpu.node):
                if isinstance(node, ast.Call) and _is_device_move(node):
                    assert isinstance(node.func, ast.Attribute)
                    shared = self._shared_receiver(gpu.node, node.func.value, local)
                    if shared:
                        moved.add(id(node))
                        yield self.finding(
                            "ZG204",
                            node,
                            f"`{shared}` is moved to the GPU inside @spaces.GPU: call "
                            f"`.to(device)` once at module scope",
                        )
        for node in info.nodes:
            if isinstance(node, ast.Call):
                if info.resolve(node.func) == "torch.cuda.is_available":
                    if not self._device_selection(node):
                        yield self.finding(
                            "ZG206",
                            node,
                            "torch.cuda.is_available() is always True on ZeroGPU: use it only "
                            "to choose the device, and branch on `device.type` elsewhere",
                        )
                    continue
                if (
                    isinstance(node.func, ast.Attribute)
                    and node.func.attr == "cuda"
                    and not node.args
                    and id(node) not in moved
                    and not self._in_idiom(node)
                ):
                    yield self.finding(
                        "ZG205",
                        node,
                        "`.cuda()` hard-codes CUDA (a duplicate on CPU hardware breaks): use "
                        "`.to(device)` with device chosen by torch.cuda.is_available()",
                    )
            if _is_cuda_string(node) and self._is_device_use(node) and not self._in_idiom(node):
                yield self.finding(
                    "ZG205",
                    node,
                    'hard-coded "cuda" device: use `device = torch.device("cuda" if '
                    'torch.cuda.is_available() else "cpu")` and pass `device`',
                )

    def _shared_receiver(
        self, function: FunctionNode, receiver: ast.expr, local: set[str]
    ) -> str | None:
        """The dotted name of a module-level object (`model`, `pipe.unet`) or of an
        instance attribute (`self.model`, in a method) that a device move targets."""
        parts: list[str] = []
        while isinstance(receiver, ast.Attribute):
            parts.append(receiver.attr)
            receiver = receiver.value
        if not isinstance(receiver, ast.Name):
            return None
        dotted = ".".join([receiver.id, *reversed(parts)])
        if receiver.id not in local and receiver.id in self.info.module_values:
            return dotted
        positional = [*function.args.posonlyargs, *function.args.args]
        in_class = isinstance(self.info.parents.get(function), ast.ClassDef)
        if parts and in_class and positional and receiver.id == positional[0].arg:
            return dotted
        return None

    def _is_device_use(self, node: ast.AST) -> bool:
        parent = self.info.parents.get(node)
        if isinstance(parent, ast.keyword):
            return parent.arg in ("device", "device_map")
        if isinstance(parent, ast.Call) and node in parent.args:
            func = parent.func
            return (isinstance(func, ast.Attribute) and func.attr == "to") or (
                self.info.resolve(func) in ("torch.device", "torch.cuda.device")
            )
        return isinstance(parent, (ast.Assign, ast.AnnAssign))

    def _in_idiom(self, node: ast.AST) -> bool:
        """Inside `x if torch.cuda.is_available() else y` or an `if is_available():` branch."""
        current = node
        while current in self.info.parents:
            parent = self.info.parents[current]
            if (
                isinstance(parent, (ast.IfExp, ast.If))
                and current is not parent.test
                and self._tests_availability(parent.test)
            ):
                return True
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
                return False
            current = parent
        return False

    def _tests_availability(self, test: ast.AST) -> bool:
        return any(
            isinstance(n, ast.Call) and self.info.resolve(n.func) == "torch.cuda.is_available"
            for n in ast.walk(test)
        )

    def _device_value(self, node: ast.AST) -> bool:
        text = _string(node)
        if text is not None:
            return text.split(":")[0] in ("cuda", "cpu", "mps")
        if isinstance(node, ast.Call):
            return self.info.resolve(node.func) == "torch.device" or _mentions_device(node.func)
        return _mentions_device(node)

    def _device_selection(self, call: ast.Call) -> bool:
        current: ast.AST = call
        while current in self.info.parents:
            parent = self.info.parents[current]
            if isinstance(parent, ast.IfExp) and current is parent.test:
                return self._device_value(parent.body) and self._device_value(parent.orelse)
            if isinstance(parent, ast.If) and current is parent.test:
                branches = [*parent.body, *parent.orelse]
                return bool(branches) and all(
                    isinstance(s, ast.Assign) and self._device_value(s.value) for s in branches
                )
            if isinstance(parent, (ast.BoolOp, ast.UnaryOp)):
                current = parent
                continue
            return False
        return False

    # --- ZG207 -----------------------------------------------------------------
    def _model_variables(self) -> set[str]:
        names = set()
        for name, values in self.info.module_values.items():
            for value in values:
                if isinstance(value, ast.Call) and (
                    (_chain_has(value, "from_pretrained") and not _preprocessor(value))
                    or (self.info.resolve(value.func) or "") in LOADERS
                    or _chain_has(value, "pipeline")
                ):
                    names.add(name)
        return names

    def zg207_module_scope(self) -> Iterator[Finding]:
        info = self.info
        models = self._model_variables()
        for node in walk_module_scope(info.tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            resolved = info.resolve(func) or ""
            what = None
            if info.calls_gpu(node):
                what = "a @spaces.GPU function is called at start-up (warm-up)"
            elif isinstance(func, ast.Attribute) and func.attr in INFERENCE_METHODS:
                what = f"`.{func.attr}()` runs inference at module scope"
            elif isinstance(func, ast.Name) and func.id in models:
                what = f"`{func.id}(...)` runs inference at module scope"
            elif resolved.startswith("torch.cuda.") and resolved.rsplit(".", 1)[1] in CUDA_KERNELS:
                what = f"`{resolved}()` touches CUDA at module scope"
            if what:
                yield self.finding(
                    "ZG207",
                    node,
                    f"{what}, where no GPU is attached: run it inside a @spaces.GPU function",
                )


def check(project: Project) -> Iterator[Finding]:
    for info in project.infos:
        yield from Checks(info, project).run()
    yield from zg208(project)


def zg208(project: Project) -> Iterator[Finding]:
    infos = project.infos
    if not infos or any(info.gpu for info in infos):
        return
    for info in infos:
        for node in cuda_uses(info):
            yield Finding(
                "ZG208",
                info.name,
                node.lineno,
                node.col_offset + 1,  # type: ignore[attr-defined]
                "this Space uses CUDA but no function has @spaces.GPU: decorate the function "
                "that runs the model with @spaces.GPU(duration=...)",
            )
            return


def cuda_uses(info: ModuleInfo) -> list[ast.AST]:
    """Places a module uses CUDA (for ZG208), in source order."""
    return sorted(_cuda_uses(info), key=lambda n: (n.lineno, n.col_offset))  # type: ignore[attr-defined]


def _cuda_uses(info: ModuleInfo) -> Iterator[ast.AST]:
    for node in info.nodes:
        if (
            _is_cuda_string(node)
            or (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and (node.func.attr == "cuda" and not node.args)
            )
            or (isinstance(node, ast.Attribute) and info.resolve(node) == "torch.cuda.is_available")
        ):
            yield node
