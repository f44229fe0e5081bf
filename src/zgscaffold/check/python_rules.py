"""ZG2xx-ZG7xx: rules read from the syntax tree of the Space's Python modules."""

import ast
import re
from collections.abc import Iterator

from zgscaffold.check.model import Edit, Finding, Fix
from zgscaffold.check.pyscope import (
    FunctionNode,
    GpuFunction,
    ModuleInfo,
    dotted,
    function_body,
    walk_module_scope,
    walk_scope,
)

CUDA_STRING = re.compile(r"^cuda(:\d+)?$")
FIXED_PATH = re.compile(r"^[\w./\\ -]*\.[A-Za-z0-9]{1,5}$")
CUDA_KERNELS = {
    "synchronize",
    "empty_cache",
    "mem_get_info",
    "memory_allocated",
    "max_memory_allocated",
    "reset_peak_memory_stats",
    "set_device",
    "current_device",
    "init",
    "get_device_properties",
    "memory_reserved",
    "ipc_collect",
}
INFERENCE_METHODS = {"generate", "forward"}
MUTATORS = {
    "append",
    "extend",
    "insert",
    "update",
    "setdefault",
    "pop",
    "popitem",
    "clear",
    "add",
    "remove",
    "discard",
    "appendleft",
    "extendleft",
    "sort",
    "reverse",
}
MUTABLE_FACTORIES = {
    "dict",
    "list",
    "set",
    "collections.defaultdict",
    "collections.OrderedDict",
    "collections.deque",
    "collections.Counter",
    "defaultdict",
    "OrderedDict",
    "deque",
    "Counter",
}
WRITE_METHODS = {
    "save",
    "savefig",
    "to_csv",
    "to_parquet",
    "write_videofile",
    "export",
    "to_file",
    "write_text",
    "write_bytes",
    "to_wav",
}
WRITE_FUNCTIONS = {
    "soundfile.write",
    "scipy.io.wavfile.write",
    "torchaudio.save",
    "imageio.imwrite",
    "imageio.v3.imwrite",
    "imageio.mimsave",
    "cv2.imwrite",
    "numpy.save",
    "numpy.savez",
    "torch.save",
    "diffusers.utils.export_to_video",
    "diffusers.utils.export_to_gif",
    "export_to_video",
    "export_to_gif",
    "shutil.copy",
    "shutil.copyfile",
    "shutil.move",
}
PATH_KEYWORDS = {
    "file",
    "filename",
    "fp",
    "path",
    "output_path",
    "output_video_path",
    "fname",
    "output_gif_path",
    "dst",
}
UNPICKLABLE = {
    "open",
    "io.open",
    "threading.Lock",
    "threading.RLock",
    "threading.Thread",
    "sqlite3.connect",
    "socket.socket",
    "multiprocessing.Lock",
}
LOADERS = {"transformers.pipeline", "diffusers.DiffusionPipeline.from_pretrained"}


def _string(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and all(isinstance(v, ast.Constant) for v in node.values):
        return "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
    return None


def _is_cuda_string(node: ast.AST | None) -> bool:
    text = _string(node)
    return text is not None and bool(CUDA_STRING.match(text))


PREPROCESSOR = re.compile(r"(Tokenizer|Processor|FeatureExtractor|Config|Scheduler)(Fast)?$")


def _preprocessor(call: ast.Call) -> bool:
    """`AutoTokenizer.from_pretrained(...)` and kin: CPU preprocessing, not a model."""
    node: ast.AST = call
    while isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "from_pretrained":
            owner = dotted(func.value) or ""
            return bool(PREPROCESSOR.search(owner.rsplit(".", 1)[-1]))
        node = func.value if isinstance(func, ast.Attribute) else func
    return False


def _chain_has(node: ast.AST, attr: str) -> bool:
    """Whether a call chain such as `A.from_pretrained(...).to(d)` contains `.attr(`."""
    while True:
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr == attr:
                return True
            node = node.func
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        else:
            return False


def _mentions_device(node: ast.AST) -> bool:
    if _is_cuda_string(node):
        return True
    name = dotted(node) or ""
    if "device" in name.lower() or "cuda" in name.lower():
        return True
    if isinstance(node, ast.Call):
        return (dotted(node.func) or "").endswith("device")
    return False


def _is_device_move(call: ast.Call) -> bool:
    if not isinstance(call.func, ast.Attribute):
        return False
    if call.func.attr == "cuda":
        return True
    if call.func.attr == "to":
        return any(_mentions_device(a) for a in call.args) or any(
            k.arg == "device" for k in call.keywords
        )
    return False


def _locals(function: FunctionNode) -> set[str]:
    args = function.args
    names = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    names |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    declared_global: set[str] = set()
    for node in function_body(function):
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            declared_global.update(node.names)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
    for node in function_body(function):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names - declared_global


def _globals_declared(function: FunctionNode) -> set[str]:
    names: set[str] = set()
    for node in function_body(function):
        if isinstance(node, ast.Global):
            names.update(node.names)
    return names


def _parameters(function: FunctionNode | ast.Lambda) -> tuple[list[ast.arg], list[ast.arg]]:
    args = function.args
    return [*args.posonlyargs, *args.args], list(args.kwonlyargs)


def _is_generator(function: FunctionNode) -> bool:
    return any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in function_body(function))


def _number(value: float) -> str:
    """A folded number for a message: `:g` overflows on a 400-digit integer."""
    if isinstance(value, int) and abs(value) >= 10**15:
        return "over 10^15"  # str() refuses ints of more than 4300 digits
    return str(value) if isinstance(value, int) else f"{value:g}"


class PythonRules:
    def __init__(
        self, info: ModuleInfo, duration_cap: int, size_factors: dict[str, int], default_size: str
    ) -> None:
        self.info = info
        self.name = info.name
        self.cap = duration_cap
        self.factors = size_factors
        self.default_size = default_size
        self.lines = info.mod.file.text.splitlines()

    def finding(self, code: str, node: ast.AST, message: str, fix: Fix | None = None) -> Finding:
        return Finding(
            code,
            self.name,
            getattr(node, "lineno", 1),
            getattr(node, "col_offset", 0) + 1,
            message,
            fix,
        )

    def run(self) -> Iterator[Finding]:
        yield from self.zg201_shim()
        yield from self.calls_anywhere()
        yield from self.zg203_lazy_loading()
        yield from self.zg204_205_206()
        yield from self.zg207_module_scope()
        for gpu in self.info.gpu:
            yield from self.zg30x_duration(gpu)
            yield from self.zg40x_isolation(gpu)
        yield from self.zg50x_handlers()
        yield from self.zg601_loops()
        yield from self.zg70x_examples()

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

    # --- ZG202, ZG403 call sites ---------------------------------------------------
    def calls_anywhere(self) -> Iterator[Finding]:
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
            if not isinstance(node, ast.Call):
                continue
            if info.resolve(node.func) == "torch.compile":
                yield self.finding(
                    "ZG202",
                    node,
                    "torch.compile is not supported on ZeroGPU: compile ahead of time with "
                    "spaces.aoti_capture/aoti_compile/aoti_apply",
                )
            if info.calls_gpu(node):
                for argument in [*node.args, *(k.value for k in node.keywords)]:
                    if self._unpicklable(argument, None):
                        yield self.finding(
                            "ZG403",
                            argument,
                            "this argument cannot be pickled to the GPU process: pass plain "
                            "data (str, numbers, numpy, PIL) instead",
                        )

    def _unpicklable(self, node: ast.AST | None, function: FunctionNode | None) -> bool:
        if node is None:
            return False
        if isinstance(node, (ast.Lambda, ast.GeneratorExp)):
            return True
        if isinstance(node, ast.Call):
            return (self.info.resolve(node.func) or "") in UNPICKLABLE
        if isinstance(node, ast.Name) and function is not None:
            return any(
                isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == node.id
                for n in function_body(function)
            )
        if isinstance(node, (ast.Tuple, ast.List)):
            return any(self._unpicklable(e, function) for e in node.elts)
        return False

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

    @staticmethod
    def _is_none_test(test: ast.expr, names: set[str]) -> bool:
        if isinstance(test, ast.Compare) and isinstance(test.left, ast.Name):
            return test.left.id in names and any(
                isinstance(c, ast.Constant) and c.value is None for c in test.comparators
            )
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return isinstance(test.operand, ast.Name) and test.operand.id in names
        return False

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

    # --- ZG3xx -----------------------------------------------------------------
    def fold(self, node: ast.AST | None, depth: int = 0) -> object:
        """The constant value of a simple expression (numbers, strings, module constants)."""
        if node is None or depth > 8:
            return None
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            values = self.info.module_values.get(node.id, [])
            return self.fold(values[0], depth + 1) if len(values) == 1 else None
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            value = self.fold(node.operand, depth + 1)
            return -value if isinstance(value, (int, float)) else None
        if isinstance(node, ast.BinOp):
            left, right = self.fold(node.left, depth + 1), self.fold(node.right, depth + 1)
            if not (isinstance(left, (int, float)) and isinstance(right, (int, float))):
                return None
            try:
                if isinstance(node.op, ast.Add):
                    return left + right
                if isinstance(node.op, ast.Sub):
                    return left - right
                if isinstance(node.op, ast.Mult):
                    return left * right
                if isinstance(node.op, ast.Div):
                    return left / right
                if isinstance(node.op, ast.FloorDiv):
                    return left // right
            except (ZeroDivisionError, OverflowError):
                return None
        return None

    def _duration_callable(
        self, node: ast.expr, gpu: GpuFunction
    ) -> FunctionNode | ast.Lambda | None:
        if isinstance(node, ast.Lambda):
            return node
        if isinstance(node, ast.Name) and gpu.cls is not None:
            for method in self.info.methods.get(node.id, []):
                if method.lineno < gpu.node.lineno:  # defined earlier in the class body
                    return method
        if isinstance(node, ast.Name):
            if node.id in self.info.functions:
                return self.info.functions[node.id]
            values = self.info.module_values.get(node.id, [])
            if len(values) == 1 and isinstance(values[0], ast.Lambda):
                return values[0]
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id in ("self", "cls"))
        ):
            methods = self.info.methods.get(node.attr)
            return methods[0] if methods else None
        return None

    def zg30x_duration(self, gpu: GpuFunction) -> Iterator[Finding]:
        anchor = ast.Name(lineno=gpu.line, col_offset=gpu.column - 1)
        duration = gpu.keyword("duration")
        size_node = gpu.keyword("size")
        size = self.fold(size_node) if size_node is not None else self.default_size
        if size_node is not None and size == "xlarge":
            yield self.finding(
                "ZG303",
                size_node,
                'size="xlarge" costs 2x quota and queues longer: use it only when the model '
                "needs more than a large slice",
            )
        factor = self.factors.get(size, None) if isinstance(size, str) else None
        if duration is None:
            yield self.finding(
                "ZG301",
                anchor,
                f"@spaces.GPU on `{gpu.node.name}` declares no duration (default 60 s): add "
                f"duration=<worst-case seconds> or a duration callable",
            )
            return
        seconds = self.fold(duration)
        callable_ = (
            None if isinstance(seconds, (int, float)) else self._duration_callable(duration, gpu)
        )
        if callable_ is not None:
            returns = (
                [
                    n.value
                    for n in (
                        walk_scope(callable_.body)
                        if isinstance(callable_, (ast.FunctionDef, ast.AsyncFunctionDef))
                        else []
                    )
                    if isinstance(n, ast.Return)
                ]
                if not isinstance(callable_, ast.Lambda)
                else [callable_.body]
            )
            folded = [self.fold(r) for r in returns]
            if folded and all(isinstance(v, (int, float)) for v in folded):
                seconds = max(folded)  # type: ignore[type-var]
            yield from self._zg304(gpu, callable_, duration)
        if isinstance(seconds, (int, float)) and factor is not None and seconds * factor > self.cap:
            yield self.finding(
                "ZG302",
                duration,
                f"duration {_number(seconds)} s x size factor {factor} exceeds the {self.cap} s "
                f"per-call cap: lower it to {self.cap // factor} s or less (or set "
                f"[tool.zgscaffold] duration-cap)",
            )

    def _zg304(
        self, gpu: GpuFunction, callable_: FunctionNode | ast.Lambda, node: ast.expr
    ) -> Iterator[Finding]:
        fn_pos, fn_kw = _parameters(gpu.node)
        cb_pos, cb_kw = _parameters(callable_)
        bound_method = isinstance(node, ast.Attribute)
        if bound_method and cb_pos and cb_pos[0].arg in ("self", "cls"):
            cb_pos = cb_pos[1:]
        if gpu.cls is not None and fn_pos and fn_pos[0].arg in ("self", "cls") and bound_method:
            fn_pos = fn_pos[1:]
        args = callable_.args
        problems = []
        if args.vararg is None and len(cb_pos) < len(fn_pos):
            problems.append(f"takes {len(cb_pos)} positional parameters, the handler {len(fn_pos)}")
        required_extra = len(cb_pos) - len(fn_pos) - len(args.defaults)
        if len(cb_pos) > len(fn_pos) and required_extra > 0:
            problems.append("requires parameters the handler does not have")
        cb_names = {a.arg for a in [*cb_pos, *cb_kw]}
        if args.kwarg is None:
            missing = [a.arg for a in fn_kw if a.arg not in cb_names]
            if missing:
                problems.append(f"lacks keyword parameter(s) {', '.join(missing)}")
        if problems:
            name = getattr(callable_, "name", "the lambda")
            yield self.finding(
                "ZG304",
                node,
                f"duration callable `{name}` {'; '.join(problems)}: give it the signature of "
                f"`{gpu.node.name}` (it is called with the same arguments)",
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

    # --- ZG5xx -----------------------------------------------------------------
    def _module_mutables(self) -> set[str]:
        names = set()
        for name, values in self.info.module_values.items():
            for value in values:
                if isinstance(
                    value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)
                ) or (
                    isinstance(value, ast.Call)
                    and (self.info.resolve(value.func) or "") in MUTABLE_FACTORIES
                ):
                    names.add(name)
        return names

    def zg50x_handlers(self) -> Iterator[Finding]:
        mutables = self._module_mutables()
        for function in self.info.handlers:
            local = _locals(function)
            globals_ = _globals_declared(function)
            lazy = set()
            for node in function_body(function):
                if isinstance(node, ast.If) and self._is_none_test(node.test, globals_):
                    lazy |= {id(n) for n in walk_scope(node.body)}
            for node in function_body(function):
                yield from self._zg501(node, function, local, globals_, mutables, lazy)
                if isinstance(node, ast.Call):
                    yield from self._zg502(node)

    def _zg501(
        self,
        node: ast.AST,
        function: FunctionNode,
        local: set[str],
        globals_: set[str],
        mutables: set[str],
        lazy: set[int],
    ) -> Iterator[Finding]:
        if id(node) in lazy:
            return
        message = None
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in globals_:
            message = f"`{function.name}` assigns the module-level `{node.id}`"
        target = None
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and (node.func.attr in MUTATORS)
        ):
            target = node.func.value
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
            target = node.value
        if isinstance(target, ast.Name) and target.id in mutables and target.id not in local:
            message = f"`{function.name}` changes the module-level `{target.id}`"
        if message:
            yield self.finding(
                "ZG501",
                node,
                f"{message}, shared by every visitor's concurrent calls: keep per-user data in "
                f"gr.State or arguments",
            )

    def _zg502(self, call: ast.Call) -> Iterator[Finding]:
        func = call.func
        resolved = self.info.resolve(func) or ""
        writes = False
        candidates: list[ast.AST] = []
        if resolved in ("open", "io.open"):
            mode = (
                call.args[1]
                if len(call.args) > 1
                else next((k.value for k in call.keywords if k.arg == "mode"), None)
            )
            mode_text = _string(mode) or "r"
            writes = any(c in mode_text for c in "wax")
            candidates = call.args[:1]
        elif resolved in WRITE_FUNCTIONS or resolved.rsplit(".", 1)[-1] in (
            "export_to_video",
            "export_to_gif",
        ):
            writes = True
            candidates = list(call.args)
        elif isinstance(func, ast.Attribute) and func.attr in WRITE_METHODS:
            writes = True
            candidates = call.args[:1]
            receiver = func.value
            if func.attr in ("write_text", "write_bytes") and isinstance(receiver, ast.Call):
                candidates = receiver.args[:1]
        if not writes:
            return
        candidates += [k.value for k in call.keywords if k.arg in PATH_KEYWORDS]
        for candidate in candidates:
            text = _string(candidate)
            if text and FIXED_PATH.match(text):
                yield self.finding(
                    "ZG502",
                    candidate,
                    f"writes to the fixed path {text!r}, which concurrent visitors overwrite: "
                    f"write to a tempfile.NamedTemporaryFile(delete=False, suffix=...) path",
                )

    # --- ZG601 -----------------------------------------------------------------
    def zg601_loops(self) -> Iterator[Finding]:
        reported: set[int] = set()
        for loop in self.info.nodes:
            bodies: list[ast.AST] = []
            if isinstance(loop, (ast.For, ast.AsyncFor, ast.While)):
                bodies = list(loop.body)
            elif isinstance(loop, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
                bodies = (
                    [loop.elt] if not isinstance(loop, ast.DictComp) else [loop.key, loop.value]
                )
            for node in walk_scope(bodies):
                if (
                    isinstance(node, ast.Call)
                    and self.info.calls_gpu(node)
                    and (id(node) not in reported)
                ):
                    reported.add(id(node))
                    name = dotted(node.func) or "the GPU function"
                    yield self.finding(
                        "ZG601",
                        node,
                        f"`{name}` (@spaces.GPU) is called inside a loop, one GPU call and quota "
                        f"charge per pass: decorate the function that owns the loop instead",
                    )

    # --- ZG7xx -----------------------------------------------------------------
    def zg70x_examples(self) -> Iterator[Finding]:
        info = self.info
        for node in info.nodes:
            if not isinstance(node, ast.Call):
                continue
            resolved = info.resolve(node.func) or ""
            if resolved not in ("gradio.Examples", "gradio.Interface", "gradio.ChatInterface"):
                continue
            keywords = {k.arg: k.value for k in node.keywords if k.arg}
            if resolved == "gradio.Examples":
                run = keywords.get("run_on_click")
                cache = keywords.get("cache_examples")
                if (
                    isinstance(run, ast.Constant)
                    and run.value is True
                    and not (isinstance(cache, ast.Constant) and cache.value is False)
                ):
                    yield self.finding(
                        "ZG701",
                        node,
                        "gr.Examples relies on run_on_click, which Spaces' example caching "
                        "ignores: set cache_examples=False explicitly",
                    )
            mode = _string(keywords.get("cache_mode"))
            fn = keywords.get("fn")
            if fn is None and resolved != "gradio.Examples" and node.args:
                fn = node.args[0]
            if mode == "eager" and info.is_gpu_function_ref(fn):
                yield self.finding(
                    "ZG702",
                    keywords["cache_mode"],
                    'cache_mode="eager" runs the GPU function at start-up, where no GPU is '
                    'attached: use cache_mode="lazy"',
                )


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
