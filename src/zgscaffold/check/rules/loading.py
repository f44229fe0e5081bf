"""ZG2xx: the CUDA availability model and loading."""

import ast
import re
from collections.abc import Iterator

from zgscaffold.check.model import GRAPH, E, Edit, Finding, Fix, Rule, W
from zgscaffold.check.pyscope import (
    FunctionNode,
    ModuleInfo,
    dotted,
    function_body,
    module_statements,
    walk_module_scope,
)
from zgscaffold.check.rules.base import (
    CUDA_KERNELS,
    INFERENCE_METHODS,
    PREPROCESSOR,
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
    Rule("ZG207", E, "no inference, warm-up or CUDA kernel at module scope", needs=(GRAPH,)),
    Rule(
        "ZG208", E, "a Space that uses CUDA has at least one @spaces.GPU function", needs=(GRAPH,)
    ),
    Rule("ZG209", E, "no FlashAttention-3/4 kernels (they cannot run on the Blackwell GPU)"),
    Rule(
        "ZG210",
        E,
        "`import spaces` comes before torch and other CUDA libraries in the app file",
        needs=(GRAPH,),
    ),
)


LOADING_METHODS = {"from_pretrained", "from_single_file", "load_state_dict"}
LOADERS = {
    "transformers.pipeline",
    "diffusers.DiffusionPipeline.from_pretrained",
    "torch.load",
    "torch.hub.load",
    "torch.jit.load",
    "safetensors.torch.load_file",
    "whisper.load_model",
    "sentence_transformers.SentenceTransformer",
    "open_clip.create_model_and_transforms",
}
MODEL_LIBRARIES = {
    "transformers",
    "diffusers",
    "timm",
    "peft",
    "ultralytics",
    "sentence_transformers",
}
MODEL_CLASS = re.compile(r"(Model|Pipeline|For[A-Z]\w*|Net|YOLO)$")
MODULE_BASES = {"Module", "ModelMixin", "PreTrainedModel", "LightningModule"}


FA3_NAME = re.compile(
    r"^(kernels-community/)?(vllm-|sgl-)?flash[-_]?attn(ention)?[-_]?[34]$"
    r"|^flash_attention_[34]$"
)
FA3_VARIANT = re.compile(r"^fa[34]$")
FA3_MODULES = {"flash_attn_interface", "flash_attn_3", "flash_attn.cute", "flash_attn_4"}
# Libraries that import torch (and so may initialize CUDA) when imported.
CUDA_LIBRARIES = {
    "torch",
    "torchvision",
    "torchaudio",
    "diffusers",
    "transformers",
    "accelerate",
    "xformers",
    "flash_attn",
    "bitsandbytes",
    "triton",
    "vllm",
    "peft",
    "timm",
    "sentence_transformers",
    "ultralytics",
    "kornia",
    "open_clip",
    "lightning",
    "pytorch_lightning",
    "onnxruntime",
    "tensorflow",
    "jax",
    "cupy",
}
REPORTERS = {"debug", "info", "warning", "warn", "error", "critical", "exception", "log"}


class Checks(ModuleChecks):
    def run(self) -> Iterator[Finding]:
        yield from self.zg201_shim()
        yield from self.zg202_compile()
        yield from self.zg203_lazy_loading()
        yield from self.zg204_205_206()
        yield from self.zg207_module_scope()
        yield from self.zg209_flash_attention_3()
        if self.info is self.project.entry:
            yield from self.zg210_import_order()

    # --- ZG209 -----------------------------------------------------------------
    def zg209_flash_attention_3(self) -> Iterator[Finding]:
        for node in self.info.nodes:
            what = None
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if FA3_NAME.match(node.value):
                    what = f"{node.value!r}"
            elif isinstance(node, ast.keyword) and node.arg == "variant":
                variant = _string(node.value)
                if variant and FA3_VARIANT.match(variant):
                    what = f"variant={variant!r}"
                    node = node.value
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                found = [n for n in names if n.split(".")[0] in FA3_MODULES or n in FA3_MODULES]
                if found:
                    what = f"`{found[0]}`"
            if what:
                yield self.finding(
                    "ZG209",
                    node,
                    f"{what} is a FlashAttention-3/4 kernel, which cannot run on ZeroGPU's "
                    f"Blackwell GPU (the worker aborts): use SDPA (the default) or an FA2 wheel",
                )

    # --- ZG210 -----------------------------------------------------------------
    def zg210_import_order(self) -> Iterator[Finding]:
        spaces_import: ast.stmt | None = None
        cuda_first: tuple[ast.stmt, str] | None = None
        for node in sorted(module_statements(self.info.tree), key=lambda n: n.lineno):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            elif isinstance(node, ast.ImportFrom):
                names = [
                    self.info.resolve(ast.Name(id=node.names[0].asname or node.names[0].name)) or ""
                ]
            if any(name == "spaces" or name.startswith("spaces.") for name in names):
                spaces_import = node
                break
            if cuda_first is None:
                library = next((n for n in names if self._imports_cuda(n)), None)
                if library is not None:
                    cuda_first = (node, library)
        if spaces_import is None or cuda_first is None:
            return
        first, library = cuda_first
        fix = None
        if (
            isinstance(spaces_import, ast.Import)
            and spaces_import.col_offset == 0
            and first.col_offset == 0
            and spaces_import.end_lineno == spaces_import.lineno
        ):
            line = ast.unparse(spaces_import) + "\n"
            fix = Fix(
                f"moved `{line.strip()}` in {self.name} above `{library}` (line {first.lineno})",
                (
                    Edit(spaces_import.lineno, spaces_import.lineno, ""),
                    Edit(first.lineno, first.lineno - 1, line),
                ),
            )
        yield self.finding(
            "ZG210",
            spaces_import,
            f"`import spaces` comes after `{library}` (line {first.lineno}): on ZeroGPU it "
            f'raises "CUDA has been initialized before importing the `spaces` package"; '
            f"import spaces first",
            fix,
        )

    def _imports_cuda(self, name: str) -> bool:
        """A CUDA library, or a module of the Space that imports one at its top."""
        if name.split(".")[0] in CUDA_LIBRARIES:
            return True
        owner = self.project.graph.by_module.get(name)
        if owner is None or owner is self.info:
            return False
        for node in owner.tree.body:
            if isinstance(node, ast.Import) and any(
                a.name.split(".")[0] in CUDA_LIBRARIES for a in node.names
            ):
                return True
            if (
                isinstance(node, ast.ImportFrom)
                and (node.module or "").split(".")[0] in CUDA_LIBRARIES
            ):
                return True
        return False

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
        """from_pretrained and kin, torch.load, load_state_dict, a model class's constructor."""
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in LOADING_METHODS:
            return True
        resolved = self.info.resolve(func) or ""
        if resolved in LOADERS:
            return True
        last = resolved.rsplit(".", 1)[-1]
        if resolved.split(".")[0] in MODEL_LIBRARIES and MODEL_CLASS.search(last):
            return not PREPROCESSOR.search(last)
        owner, cls = self.info, self.info.classes.get(resolved)
        if cls is None:  # a class from another module of the Space
            module, _, name = resolved.rpartition(".")
            found = self.project.graph.by_module.get(module)
            if found is not None:
                owner, cls = found, found.classes.get(name)
        return cls is not None and any(
            (owner.resolve(base) or "").rsplit(".", 1)[-1] in MODULE_BASES for base in cls.bases
        )

    def zg203_lazy_loading(self) -> Iterator[Finding]:
        info = self.info
        reached = {id(r.function): r for r in self.project.graph.in_module(info)}
        for function in (
            n for n in info.nodes if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
        ):
            cached = any(
                (info.resolve(d.func if isinstance(d, ast.Call) else d) or "")
                in ("functools.lru_cache", "functools.cache")
                for d in function.decorator_list
            )
            globals_ = _globals_declared(function)
            lazy_global = bool(globals_) and any(
                isinstance(node, ast.If) and self._is_none_test(node.test, globals_)
                for node in function_body(function)
            )
            run_by = reached.get(id(function))
            if run_by is None and not cached and not lazy_global:
                continue
            if cached:
                why = "in a cached loader"
            elif lazy_global:
                why = "behind `global ...; if ... is None`"
            elif run_by is not None and run_by.root != function.name:
                why = f"in `{function.name}`, which the handler `{run_by.root}` runs"
            else:
                why = "inside a handler"
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

    def _device_value(self, node: ast.AST | None) -> bool:
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return isinstance(node.operand, ast.Constant) and node.operand.value == 1  # -1
        if isinstance(node, ast.IfExp):  # "cuda" if ... else "mps" if ... else "cpu"
            return self._device_value(node.body) and self._device_value(node.orelse)
        if isinstance(node, ast.Constant) and (
            node.value is None or (type(node.value) is int and node.value in (0, -1))
        ):
            return True  # device_map=None, a pipeline's device index (0 if ... else -1)
        text = _string(node)
        if text is not None:
            return text.split(":")[0] in ("cuda", "cpu", "mps", "auto", "xpu")
        if isinstance(node, ast.Call):
            return self.info.resolve(node.func) == "torch.device" or _mentions_device(node.func)
        return node is not None and _mentions_device(node)

    def _selection_branch(self, statements: list[ast.stmt]) -> bool:
        """A branch of `if torch.cuda.is_available():` that only chooses the device (and
        plain values beside it, such as the dtype), `elif` chains included."""
        chose = False
        for statement in statements:
            if isinstance(statement, ast.If):
                if not (
                    self._selection_branch(statement.body)
                    and (not statement.orelse or self._selection_branch(statement.orelse))
                ):
                    return False
                chose = True
            elif (
                isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Call)
                and _is_device_move(statement.value)
            ):
                chose = True  # `if torch.cuda.is_available(): model.cuda()`: placement
            elif isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value:
                if self._device_value(statement.value) or (
                    isinstance(statement.value, ast.Call) and _is_device_move(statement.value)
                ):
                    chose = True
                elif not isinstance(statement.value, (ast.Constant, ast.Attribute, ast.Name)):
                    return False
            else:
                return False
        return chose

    def _device_selection(self, call: ast.Call) -> bool:
        """is_available() that chooses the device, or that is only printed or logged."""
        current: ast.AST = call
        while current in self.info.parents:
            parent = self.info.parents[current]
            if isinstance(parent, ast.IfExp) and current is parent.test:
                return self._device_value(parent.body) and self._device_value(parent.orelse)
            if isinstance(parent, ast.If) and current is parent.test:
                return self._selection_branch(parent.body) and (
                    not parent.orelse or self._selection_branch(parent.orelse)
                )
            if isinstance(parent, ast.Call) and current is not parent.func:
                reporter = self.info.resolve(parent.func) or ""
                head, _, last = reporter.rpartition(".")
                if reporter == "print" or (
                    head.split(".")[-1] in ("logging", "logger", "log", "LOGGER", "warnings")
                    and last in REPORTERS
                ):
                    return True
            if isinstance(parent, (ast.stmt, ast.Lambda)):
                return False
            current = parent
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
                if self._aoti_compile(node):
                    continue  # the documented ahead-of-time compile call at start-up
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
    yield from Checks.each_module(project)
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
                node.col_offset + 1,
                "this Space uses CUDA but no function has @spaces.GPU: decorate the function "
                "that runs the model with @spaces.GPU(duration=...)",
            )
            return


def cuda_uses(info: ModuleInfo) -> list[ast.expr]:
    """Places a module uses CUDA (for ZG208), in source order."""
    return sorted(_cuda_uses(info), key=lambda n: (n.lineno, n.col_offset))


def _cuda_uses(info: ModuleInfo) -> Iterator[ast.expr]:
    for node in info.nodes:
        if isinstance(node, ast.expr) and (
            _is_cuda_string(node)
            or (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and (node.func.attr == "cuda" and not node.args)
            )
            or (isinstance(node, ast.Attribute) and info.resolve(node) == "torch.cuda.is_available")
        ):
            yield node
