"""What every Python rule family shares: the Space being checked, a module's checks, helpers."""

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from zgscaffold.check.model import Finding, Fix
from zgscaffold.check.pyscope import FunctionNode, ModuleInfo, dotted, function_body

if TYPE_CHECKING:
    from zgscaffold.check.callgraph import CallGraph
    from zgscaffold.check.cudaflow import CudaFlow
    from zgscaffold.check.settings import Settings
    from zgscaffold.check.space import Space
    from zgscaffold.facts import Facts

CUDA_STRING = re.compile(r"^cuda(:\d+)?$")
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


@dataclass
class Project:
    """One Space under check: its files, the facts, its settings and its analysed modules."""

    space: "Space"
    facts: "Facts"
    settings: "Settings"
    infos: list[ModuleInfo] = field(default_factory=list)

    @cached_property
    def size_factors(self) -> dict[str, int]:
        sizes = self.facts.data["hardware"]["sizes"]
        return {size: int(value["factor"]) for size, value in sizes.items()}

    @property
    def default_size(self) -> str:
        return str(self.facts.data["hardware"]["default_size"])

    @cached_property
    def graph(self) -> "CallGraph":
        from zgscaffold.check.callgraph import CallGraph

        return CallGraph(self.infos)

    @cached_property
    def entry(self) -> ModuleInfo | None:
        """The app file's module (`app_file` in README.md, else app.py; a lone app.py)."""
        if self.space.root is None:  # a lone file is the app file when it is named so
            lone = self.infos[0] if len(self.infos) == 1 else None
            return lone if lone is not None and lone.mod.file.path.name == "app.py" else None
        app_file = "app.py"
        front = self.space.frontmatter
        if front is not None and isinstance(front.data.get("app_file"), str):
            app_file = front.data["app_file"]
        dotted = app_file.removesuffix(".py").replace("/", ".")
        return next((info for info in self.infos if info.mod.module == dotted), None)

    @cached_property
    def flow(self) -> "CudaFlow":
        from zgscaffold.check.cudaflow import CudaFlow

        return CudaFlow(self.graph)


AOTI_COMPILE = {"spaces.aoti_capture", "spaces.aoti_compile"}


def is_aoti_compile(function: FunctionNode, info: ModuleInfo) -> bool:
    return any(
        (isinstance(node, ast.Attribute) and info.resolve(node) in AOTI_COMPILE)
        or (isinstance(node, ast.Name) and info.resolve(node) in AOTI_COMPILE)
        for node in function_body(function)
    )


class ModuleChecks:
    """The checks of one rule family over one module; `run` yields its findings."""

    def __init__(self, info: ModuleInfo, project: Project) -> None:
        self.info = info
        self.project = project
        self.name = info.name
        self.cap = project.settings.duration_cap
        self.factors = project.size_factors
        self.default_size = project.default_size

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
        raise NotImplementedError

    @classmethod
    def each_module(cls, project: Project) -> Iterator[Finding]:
        """The family's `check`: its checks over every module of the Space."""
        for info in project.infos:
            yield from cls(info, project).run()

    def _aoti_compile(self, call: ast.Call) -> bool:
        """A call of a GPU function that compiles ahead of time (spaces.aoti_capture or
        aoti_compile in its body): the documented start-up call, exempt from ZG207/ZG302."""
        target = self.project.graph.resolve(call.func, call, self.info)
        return target is not None and is_aoti_compile(target[0], target[1])

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

    @staticmethod
    def _is_none_test(test: ast.expr, names: set[str]) -> bool:
        """A lazy-load guard: `x is None`, `not x`, `self.x is None`, `key not in CACHE`,
        alone or in `or`/`and` (`if pipe is None or current != name:`)."""
        if isinstance(test, ast.BoolOp):
            return any(ModuleChecks._is_none_test(value, names) for value in test.values)
        subject: ast.expr | None = None
        if isinstance(test, ast.Compare):
            if any(isinstance(c, ast.Constant) and c.value is None for c in test.comparators):
                subject = test.left
            elif isinstance(test.ops[0], ast.NotIn):
                subject = test.comparators[0]
        elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            subject = test.operand
        name = dotted(subject) if subject is not None else None
        return name is not None and (name in names or name.startswith("self."))
