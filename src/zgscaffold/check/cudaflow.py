"""Where values live: which expressions hold a CUDA tensor or a model placed on the GPU.

ZG401 asks what a GPU function returns. The answer follows data, not method
names: a tensor moved with `.to(device)`/`.cuda()` or made with `device=`, the
output of a model placed on the device, torch functions, arithmetic and tensor
methods of such values, containers holding one, and the returns of the Space's
own helpers called with them. A pipeline's output (text, PIL images), decoded
text, `.cpu()`, numpy and Python numbers are not on the GPU.
"""

import ast
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from zgscaffold.check.callgraph import CallGraph
from zgscaffold.check.pyscope import FunctionNode, ModuleInfo, dotted, function_body
from zgscaffold.check.rules.base import PREPROCESSOR

CUDA = "a CUDA tensor"
MODEL = "a model on the GPU"
PIPE = "a pipeline on the GPU"
Kind = str | None

OFF_DEVICE = {  # methods whose result is not a CUDA tensor
    "cpu",
    "numpy",
    "tolist",
    "item",
    "decode",
    "batch_decode",
    "save",
    "size",
    "dim",
    "numel",
    "nelement",
    "element_size",
    "get_device",
    "data_ptr",
    "is_contiguous",
    "is_floating_point",
    "postprocess",
    "detach_cpu",
    "__len__",
    "keys",
}
METADATA = {"shape", "dtype", "device", "ndim", "is_cuda", "requires_grad", "config", "name"}
TENSOR_METHODS = {"generate", "forward", "encode_image", "encode_text", "embed_tokens"}
SAME_MODEL = {"eval", "train", "half", "float", "bfloat16", "to", "cuda", "requires_grad_"}
NOT_A_TENSOR = {
    "torch.save",
    "torch.is_tensor",
    "torch.numel",
    "torch.no_grad",
    "torch.inference_mode",
    "torch.manual_seed",
    "torch.Generator",
    "torch.cuda.is_available",
}
TENSOR_LIBRARIES = {
    "transformers",
    "diffusers",
    "timm",
    "torchvision",
    "torchaudio",
    "open_clip",
    "peft",
    "segment_anything",
    "kornia",
}
PIPELINE_NAMES = ("pipeline", "Pipeline", "Pipe")
MODEL_SOURCES = ("from_pretrained", "from_single_file")


def is_device_move(call: ast.Call) -> bool:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr == "cuda":
        return True
    if func.attr != "to":
        return False
    for argument in [*call.args, *(k.value for k in call.keywords if k.arg == "device")]:
        if isinstance(argument, ast.Constant):
            if isinstance(argument.value, str) and argument.value.startswith("cuda"):
                return True
            continue
        name = (dotted(argument) or "").lower()
        if "device" in name or "cuda" in name:
            return True
        if isinstance(argument, ast.Call) and (dotted(argument.func) or "").endswith("device"):
            return True
    return False


@dataclass(frozen=True)
class _Scope:
    function: FunctionNode
    info: ModuleInfo
    params: tuple[tuple[str, Kind], ...]  # kinds of the arguments it was called with
    depth: int


class CudaFlow:
    def __init__(self, graph: CallGraph) -> None:
        self.graph = graph
        self._returns: dict[tuple[int, tuple[tuple[str, Kind], ...]], Kind] = {}
        self._module_kinds: dict[int, dict[str, Kind]] = {}

    # --- what a function gives back ---------------------------------------------------
    def returned(
        self, function: FunctionNode, info: ModuleInfo
    ) -> list[tuple[ast.Return | ast.Yield, Kind]]:
        """Each return/yield of a function and the kind of its value."""
        scope = _Scope(function, info, (), 0)
        return [
            (node, self.value(node.value, scope, node.lineno))
            for node in function_body(function)
            if isinstance(node, (ast.Return, ast.Yield)) and node.value is not None
        ]

    def _call_returns(self, scope: _Scope, params: tuple[tuple[str, Kind], ...]) -> Kind:
        key = (id(scope.function), params)
        if key in self._returns:
            return self._returns[key]
        self._returns[key] = None  # recursion guard
        kinds = [
            self.value(node.value, scope, node.lineno)
            for node in function_body(scope.function)
            if isinstance(node, (ast.Return, ast.Yield)) and node.value is not None
        ]
        result = CUDA if CUDA in kinds else MODEL if MODEL in kinds else None
        self._returns[key] = result
        return result

    # --- module-level and instance values -------------------------------------------------
    def module_kinds(self, info: ModuleInfo) -> dict[str, Kind]:
        """Module-level names that hold a model, pipeline or tensor placed on the device."""
        key = id(info)
        if key in self._module_kinds:
            return self._module_kinds[key]
        kinds: dict[str, Kind] = {}
        self._module_kinds[key] = kinds
        moved = set()
        for node in info.nodes:  # `model.to(device)` as a statement at module scope
            if (
                isinstance(node, ast.Expr)
                and isinstance(node.value, ast.Call)
                and is_device_move(node.value)
                and isinstance(node.value.func, ast.Attribute)
            ):
                moved.add(dotted(node.value.func.value) or "")
        for name, values in info.module_values.items():
            for value in values:
                kind = self.placed(value, info, name in moved)
                if kind is not None:
                    kinds[name] = kind
        return kinds

    def placed(self, value: ast.AST, info: ModuleInfo, moved_later: bool = False) -> Kind:
        """The kind of an object built at start-up: a model or pipeline put on the device
        (`.to(device)`, `device=`/`device_map=`), or a tensor made on it."""
        if not isinstance(value, ast.Call):
            return None
        names: list[str] = []
        on_device = moved_later
        node: ast.AST = value
        while isinstance(node, (ast.Call, ast.Attribute)):
            if isinstance(node, ast.Call):
                if is_device_move(node):
                    on_device = True
                for keyword in node.keywords:
                    if keyword.arg in ("device", "device_map") and _device_like(keyword.value):
                        on_device = True
                node = node.func
            else:
                names.append(node.attr)
                node = node.value
        if isinstance(node, ast.Name):
            names.append(info.resolve(node) or node.id)
        if not on_device:
            return None
        text = ".".join(reversed(names))
        if any(part in text for part in PIPELINE_NAMES):
            return PIPE
        head = text.split(".")[0]
        if head == "torch" and not any(source in names for source in MODEL_SOURCES):
            return CUDA if text.split(".")[1:2] != ["nn"] else MODEL
        if text in ("to", "cuda"):
            return CUDA
        # Only models whose outputs are known to be tensors: torch-module libraries, and the
        # Space's own classes; another library's model may return numpy or text.
        known = head in TENSOR_LIBRARIES or head in self.graph.by_module or head in info.classes
        if not known:
            return None
        if any(source in names for source in MODEL_SOURCES):
            return None if _preprocessor_name(text) else MODEL
        if (text and text[0].isupper()) or head in info.classes or head in self.graph.by_module:
            return MODEL  # MyNet().to(device)
        return None

    def _instance_kind(self, function: FunctionNode, info: ModuleInfo, name: str) -> Kind:
        """`self.model` as the methods of the function's class set it."""
        cls = info.parents.get(function)
        if not isinstance(cls, ast.ClassDef):
            return None
        for node in ast.walk(cls):
            if isinstance(node, ast.Assign) and any(dotted(t) == name for t in node.targets):
                value = node.value
                kind = (
                    self.module_kinds(info).get(value.id)
                    if isinstance(value, ast.Name)
                    else self.placed(value, info)
                )
                if kind is not None:
                    return kind
        return None

    # --- expressions ---------------------------------------------------------------------
    def value(self, node: ast.AST | None, scope: _Scope, before: int) -> Kind:
        if node is None or scope.depth > 12:
            return None
        deeper = _Scope(scope.function, scope.info, scope.params, scope.depth + 1)
        info = scope.info
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return _strongest(self.value(e, deeper, before) for e in node.elts)
        if isinstance(node, ast.Dict):
            return _strongest(self.value(v, deeper, before) for v in node.values)
        if isinstance(node, ast.Starred):
            return self.value(node.value, deeper, before)
        if isinstance(node, ast.IfExp):
            return _strongest(
                [self.value(node.body, deeper, before), self.value(node.orelse, deeper, before)]
            )
        if isinstance(node, ast.BinOp):
            kinds = [self.value(node.left, deeper, before), self.value(node.right, deeper, before)]
            return CUDA if CUDA in kinds else None
        if isinstance(node, ast.UnaryOp):
            return self.value(node.operand, deeper, before)
        if isinstance(node, ast.Name):
            return self._name(node.id, scope, before)
        if isinstance(node, ast.Attribute):
            if node.attr in METADATA:
                return None
            name = dotted(node) or ""
            if name.startswith("self.") and name.count(".") == 1:
                return self._instance_kind(scope.function, info, name)
            owner = self.value(node.value, deeper, before)
            if owner == PIPE:
                return MODEL  # pipe.unet, pipe.vae
            return CUDA if owner == CUDA else None
        if isinstance(node, ast.Subscript):
            return CUDA if self.value(node.value, deeper, before) == CUDA else None
        if isinstance(node, ast.Call):
            return self._call(node, deeper, before)
        return None

    def _name(self, name: str, scope: _Scope, before: int) -> Kind:
        params = dict(scope.params)
        function = scope.function
        last: tuple[int, ast.AST] | None = None
        for node in function_body(function):
            value: ast.AST | None = None
            targets: Sequence[ast.AST] = []
            line = before
            if isinstance(node, ast.Assign):
                targets, value, line = node.targets, node.value, node.lineno
            elif (
                isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None
            ) or isinstance(node, ast.NamedExpr):
                targets, value, line = [node.target], node.value, node.lineno
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    later = last is None or node.lineno >= last[0]
                    bound = item.optional_vars is not None and _binds(item.optional_vars, name)
                    if bound and node.lineno < before and later:
                        last = (node.lineno, item.context_expr)
                continue
            if value is None or line >= before:
                continue
            if any(_binds(target, name) for target in targets) and (
                last is None or line >= last[0]
            ):
                last = (line, value)
        if last is not None:
            return self.value(
                last[1], _Scope(function, scope.info, scope.params, scope.depth + 1), last[0]
            )
        if name in params:
            return params[name]
        arguments = {
            a.arg
            for a in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]
        }
        if name in arguments:
            return None
        kinds = self.module_kinds(scope.info)
        if name in kinds:
            return kinds[name]
        qualified = scope.info.aliases.get(name)
        if qualified:  # a model imported from another module of the Space
            module, _, attribute = qualified.rpartition(".")
            owner = self.graph.by_module.get(module)
            if owner is not None:
                return self.module_kinds(owner).get(attribute)
        return None

    def _call(self, call: ast.Call, scope: _Scope, before: int) -> Kind:
        info = scope.info
        func = call.func
        if isinstance(func, ast.Attribute):
            method = func.attr
            if method in OFF_DEVICE:
                return None
            receiver = self.value(func.value, scope, before)
            if is_device_move(call):
                return MODEL if receiver in (MODEL, PIPE) else CUDA
            if receiver == CUDA:
                return CUDA
            if receiver == MODEL:
                if method in SAME_MODEL:
                    return MODEL
                if method in TENSOR_METHODS or (
                    method.startswith("get_") and method.endswith("features")
                ):
                    return CUDA  # generate, forward, get_image_features, encode_image
                return None  # transcribe, chat, encode (numpy): the library decides
            if receiver == PIPE:
                return PIPE if method in SAME_MODEL else None
        resolved = info.resolve(func) or ""
        if resolved.startswith("torch.") and resolved not in NOT_A_TENSOR:
            if any(k.arg == "device" and _device_like(k.value) for k in call.keywords):
                return CUDA
            arguments = [*call.args, *(k.value for k in call.keywords)]
            if any(self.value(a, scope, before) == CUDA for a in arguments):
                return CUDA
            return None
        if isinstance(func, ast.Name):
            kind = self._name(func.id, scope, before)
            if kind == MODEL:
                return CUDA  # model(x)
            if kind == PIPE:
                return None  # a pipeline's output: text, PIL images, Python objects
        target = self.graph.resolve(func, call, info)
        if target is not None and scope.depth < 10:
            function, owner = target
            params = _bind(function, call, lambda a: self.value(a, scope, before))
            return self._call_returns(_Scope(function, owner, params, scope.depth + 3), params)
        return None


def _bind(
    function: FunctionNode, call: ast.Call, kind_of: Callable[[ast.expr], Kind]
) -> tuple[tuple[str, Kind], ...]:
    positional = [*function.args.posonlyargs, *function.args.args]
    if positional and positional[0].arg in ("self", "cls") and isinstance(call.func, ast.Attribute):
        positional = positional[1:]
    bound: dict[str, Kind] = {}
    for parameter, argument in zip(positional, call.args, strict=False):
        kind = kind_of(argument)
        if kind is not None:
            bound[parameter.arg] = kind
    for keyword in call.keywords:
        if keyword.arg:
            kind = kind_of(keyword.value)
            if kind is not None:
                bound[keyword.arg] = kind
    return tuple(sorted(bound.items()))


def _binds(target: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(target))


def _strongest(kinds: Iterable[Kind]) -> Kind:
    found = list(kinds)
    for kind in (CUDA, MODEL, PIPE):
        if kind in found:
            return kind
    return None


def _device_like(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value.startswith(("cuda", "auto"))
    name = (dotted(node) or "").lower()
    return "device" in name or "cuda" in name


def _preprocessor_name(text: str) -> bool:
    owner = text.rsplit(".from_", 1)[0].rsplit(".", 1)[-1]
    return bool(PREPROCESSOR.search(owner))
