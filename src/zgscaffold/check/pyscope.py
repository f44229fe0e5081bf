"""What a module's syntax tree says: import aliases, GPU functions, handlers, scopes."""

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from zgscaffold.check.space import PyModule

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
GPU = "spaces.GPU"
# Gradio event listeners whose first argument (or fn=) is a handler.
EVENTS = {
    "click",
    "submit",
    "change",
    "input",
    "upload",
    "select",
    "release",
    "stream",
    "load",
    "then",
    "success",
    "failure",
    "tick",
    "like",
    "clear",
    "blur",
    "focus",
    "key_up",
    "play",
    "pause",
    "stop",
    "end",
    "edit",
    "retry",
    "undo",
    "copy",
    "delete",
    "apply",
    "expand",
    "collapse",
    "double_click",
    "start_recording",
    "stop_recording",
    "pause_recording",
    "option_select",
    "example_select",
    "unload",
}
INTERFACES = {"gradio.Interface", "gradio.ChatInterface"}


def dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def walk_scope(nodes: list[ast.stmt] | ast.AST) -> Iterator[ast.AST]:
    """Every node of a scope without entering nested functions, lambdas or classes."""
    stack: list[ast.AST] = list(nodes) if isinstance(nodes, list) else [nodes]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
            ):
                stack.append(child)


def walk_module_scope(tree: ast.Module) -> Iterator[ast.AST]:
    """Code that runs at import: module statements and class bodies, not function bodies."""
    indexed = tree.__dict__.get("_zg_scope")
    if indexed is not None:
        yield from indexed
        return
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Lambda):
                continue
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                stack.extend(child.decorator_list)
                stack.extend(d for d in [*child.args.defaults, *child.args.kw_defaults] if d)
                continue
            stack.append(child)


def function_body(node: FunctionNode) -> Iterator[ast.AST] | list[ast.AST]:
    """The nodes that run in the function's own scope (from index() when it ran)."""
    indexed = node.__dict__.get("_zg_scope")
    return indexed if indexed is not None else walk_scope(node.body)


@dataclass
class GpuFunction:
    node: FunctionNode
    call: ast.Call | None  # the spaces.GPU(...) call, None for a bare @spaces.GPU
    line: int
    column: int
    names: set[str]  # names it is called by in this module
    cls: str | None = None

    def keyword(self, name: str) -> ast.expr | None:
        if self.call is None:
            return None
        for keyword in self.call.keywords:
            if keyword.arg == name:
                return keyword.value
        return None


@dataclass
class ModuleInfo:
    mod: PyModule
    aliases: dict[str, str] = field(default_factory=dict)
    functions: dict[str, FunctionNode] = field(default_factory=dict)
    methods: dict[str, list[FunctionNode]] = field(default_factory=dict)
    module_values: dict[str, list[ast.expr]] = field(default_factory=dict)
    gpu: list[GpuFunction] = field(default_factory=list)
    handlers: list[FunctionNode] = field(default_factory=list)
    parents: dict[ast.AST, ast.AST] = field(default_factory=dict)
    nodes: list[ast.AST] = field(default_factory=list)  # every node, walked once
    gpu_qualified: set[str] = field(default_factory=set)  # "module.name" from other modules

    @property
    def tree(self) -> ast.Module:
        return self.mod.tree

    @property
    def name(self) -> str:
        return self.mod.file.name

    def resolve(self, node: ast.AST) -> str | None:
        """The qualified name an expression refers to via imports ("spaces.GPU")."""
        name = dotted(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        if head in self.aliases:
            return self.aliases[head] + ("." + rest if rest else "")
        return name

    def is_gpu_decorator(self, node: ast.expr) -> bool:
        target = node.func if isinstance(node, ast.Call) else node
        return self.resolve(target) == GPU

    def gpu_names(self) -> set[str]:
        names: set[str] = set()
        for gpu in self.gpu:
            names |= gpu.names
        return names

    def calls_gpu(self, call: ast.Call) -> bool:
        func = call.func
        if isinstance(func, ast.Name) and func.id in self.gpu_names():
            return True
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in ("self", "cls")
            and any(g.cls is not None and func.attr in g.names for g in self.gpu)
        ):
            return True
        return (self.resolve(func) or "") in self.gpu_qualified

    def function_named(self, node: ast.expr) -> FunctionNode | None:
        if isinstance(node, ast.Name):
            return self.functions.get(node.id)
        if isinstance(node, ast.Attribute):
            found = self.methods.get(node.attr)
            return found[0] if found else None
        return None

    def is_gpu_function_ref(self, node: ast.expr | None) -> bool:
        if node is None:
            return False
        if isinstance(node, ast.Name) and node.id in self.gpu_names():
            return True
        if isinstance(node, ast.Attribute) and any(
            g.cls and node.attr in g.names for g in self.gpu
        ):
            return True
        return (self.resolve(node) or "") in self.gpu_qualified


def index(tree: ast.Module) -> tuple[list[ast.AST], dict[ast.AST, ast.AST]]:
    """All nodes of a tree and each node's parent, in one pass (faster than ast.walk).

    Also records, on the module and on each function and lambda, the list of nodes
    that run in its own scope (`_zg_scope`), which function_body and
    walk_module_scope return instead of walking again.
    """
    nodes: list[ast.AST] = []
    parents: dict[ast.AST, ast.AST] = {}
    scopes: dict[ast.AST, list[ast.AST]] = {tree: []}
    stack: list[tuple[ast.AST, ast.AST]] = [(tree, tree)]
    node_type = ast.AST
    scoped = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
    while stack:
        node, owner = stack.pop()
        nodes.append(node)
        scopes[owner].append(node)
        opens = isinstance(node, scoped)
        if opens:
            scopes[node] = []
        for name in node._fields:
            if name == "ctx":
                continue
            value = getattr(node, name, None)
            child_owner = node if opens and name == "body" else owner
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, node_type):
                        parents[item] = node
                        stack.append((item, child_owner))
            elif isinstance(value, node_type):
                parents[value] = node
                stack.append((value, child_owner))
    nodes.reverse()  # roughly source order, for stable "first" look-ups
    for owner, members in scopes.items():
        members.reverse()
        owner._zg_scope = members  # type: ignore[attr-defined]
    return nodes, parents


def analyze(mod: PyModule) -> ModuleInfo:
    info = ModuleInfo(mod)
    tree = mod.tree
    info.nodes, info.parents = index(tree)
    for node in info.nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    info.aliases[alias.asname] = alias.name
                else:
                    head = alias.name.split(".")[0]
                    info.aliases[head] = head
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                info.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.ImportFrom) and node.level:
            package = mod.module.rsplit(".", node.level)[0] if "." in mod.module else ""
            base = ".".join(p for p in (package, node.module or "") if p)
            for alias in node.names:
                info.aliases[alias.asname or alias.name] = f"{base}.{alias.name}".lstrip(".")
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            info.functions[node.name] = node
            _register_gpu(info, node, None)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    info.methods.setdefault(item.name, []).append(item)
                    _register_gpu(info, item, node.name)
    for node in walk_module_scope(tree):
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name) and value is not None:
                    info.module_values.setdefault(name.id, []).append(value)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            _register_wrapped(info, node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
    _find_handlers(info)
    return info


def _register_gpu(info: ModuleInfo, node: FunctionNode, cls: str | None) -> None:
    for decorator in node.decorator_list:
        if info.is_gpu_decorator(decorator):
            call = decorator if isinstance(decorator, ast.Call) else None
            info.gpu.append(
                GpuFunction(
                    node, call, decorator.lineno, decorator.col_offset + 1, {node.name}, cls
                )
            )
            return


def _register_wrapped(info: ModuleInfo, node: ast.Assign) -> None:
    """`fast = spaces.GPU(duration=20)(slow)` and `fast = spaces.GPU(slow)`."""
    value = node.value
    assert isinstance(value, ast.Call)
    call: ast.Call | None = None
    wrapped: ast.expr | None = None
    if isinstance(value.func, ast.Call) and info.is_gpu_decorator(value.func) and value.args:
        call, wrapped = value.func, value.args[0]
    elif info.resolve(value.func) == GPU and value.args:
        call, wrapped = value, value.args[0]
    if wrapped is None:
        return
    function = info.function_named(wrapped)
    names = {t.id for t in node.targets if isinstance(t, ast.Name)}
    if function is None or not names:
        return
    bare = call if call is not None and call.keywords else None
    info.gpu.append(GpuFunction(function, bare, node.lineno, node.col_offset + 1, names, None))


def _handler_argument(info: ModuleInfo, call: ast.Call) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "fn":
            return keyword.value
    func = call.func
    resolved = info.resolve(func) or ""
    if resolved in INTERFACES:
        return call.args[0] if call.args else None
    if resolved == "gradio.on":
        return call.args[1] if len(call.args) > 1 else None
    if isinstance(func, ast.Attribute) and func.attr in EVENTS:
        return call.args[0] if call.args else None
    return None


def _find_handlers(info: ModuleInfo) -> None:
    seen: set[int] = set()
    for node in info.nodes:
        if isinstance(node, ast.Call):
            argument = _handler_argument(info, node)
            function = info.function_named(argument) if argument is not None else None
            if function is not None and id(function) not in seen:
                seen.add(id(function))
                info.handlers.append(function)
    for gpu in info.gpu:
        if id(gpu.node) not in seen:
            seen.add(id(gpu.node))
            info.handlers.append(gpu.node)
