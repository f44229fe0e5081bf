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
        """A `spaces.GPU` argument; `@spaces.GPU(45)` and `@spaces.GPU("xlarge")` are shorthands."""
        if self.call is None:
            return None
        for keyword in self.call.keywords:
            if keyword.arg == name:
                return keyword.value
        for argument in self.call.args[:1]:
            if isinstance(argument, ast.Constant) and not isinstance(argument.value, bool):
                is_size = isinstance(argument.value, str)
                if (name == "size") == is_size:
                    return argument
            elif name == "duration" and isinstance(argument, (ast.UnaryOp, ast.BinOp)):
                return argument
        return None


@dataclass
class GpuDecorator:
    """A name that wraps functions with spaces.GPU: `gpu = spaces.GPU(duration=30)`,
    `def gpu(fn): return spaces.GPU(fn)`, or a factory `@gpu(duration=30)`."""

    call: ast.Call | None  # the spaces.GPU(...) call inside, None for a bare spaces.GPU
    function: FunctionNode | None = None  # the decorator or factory, when it is a def

    def applied(self, node: ast.expr) -> ast.Call | None:
        """The spaces.GPU call a use of this decorator amounts to (factory arguments bound)."""
        if self.call is None or self.function is None:
            return self.call
        params = [*self.function.args.posonlyargs, *self.function.args.args]
        defaults = dict(zip(reversed(params), reversed(self.function.args.defaults), strict=False))
        bound: dict[str, ast.expr] = {a.arg: d for a, d in defaults.items()}
        for arg, default in zip(
            self.function.args.kwonlyargs, self.function.args.kw_defaults, strict=True
        ):
            if default is not None:
                bound[arg.arg] = default
        if isinstance(node, ast.Call):
            wraps = _takes_function(self.function)  # `gpu(fn, 30)`, else a factory `gpu(30)`
            taken, given = (params[1:], node.args[1:]) if wraps else (params, node.args)
            for arg, value in zip(taken, given, strict=False):
                bound[arg.arg] = value
            for keyword in node.keywords:
                if keyword.arg:
                    bound[keyword.arg] = keyword.value
        keywords = []
        for keyword in self.call.keywords:
            value = keyword.value
            if isinstance(value, ast.Name) and value.id in bound:
                value = bound[value.id]
            elif isinstance(value, ast.Name) and any(value.id == a.arg for a in params):
                continue  # a parameter without a value: not declared
            keywords.append(ast.keyword(arg=keyword.arg, value=value))
        call = ast.Call(func=self.call.func, args=list(self.call.args), keywords=keywords)
        return ast.copy_location(call, node)


def _takes_function(function: FunctionNode) -> bool:
    """`def gpu(fn, ...)`: a decorator (its first parameter is the function), not a factory."""
    params = [*function.args.posonlyargs, *function.args.args]
    if not params:
        return False
    first = params[0].arg
    for node in function_body(function):
        if isinstance(node, ast.Call) and any(
            isinstance(a, ast.Name) and a.id == first for a in node.args
        ):
            return True
    return False


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
    decorators: dict[str, GpuDecorator] = field(default_factory=dict)  # local GPU decorators
    imported_decorators: dict[str, GpuDecorator] = field(default_factory=dict)  # qualified
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    instances: dict[str, str] = field(default_factory=dict)  # module name -> local class
    lambdas: list[ast.Lambda] = field(default_factory=list)  # lambdas wired as handlers

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
        return self.gpu_decorator(node) is not None

    def gpu_decorator(self, node: ast.expr) -> GpuDecorator | None:
        """What a decorator expression is, when it wraps with spaces.GPU."""
        target = node.func if isinstance(node, ast.Call) else node
        resolved = self.resolve(target)
        if resolved == GPU:
            return GpuDecorator(node if isinstance(node, ast.Call) else None)
        if isinstance(target, ast.Name) and target.id in self.decorators:
            return self.decorators[target.id]
        if resolved in self.imported_decorators:
            return self.imported_decorators[resolved]
        return None

    def spaces_call(self, node: ast.expr) -> ast.Call | None:
        """The spaces.GPU call a decorator expression amounts to (None when bare)."""
        decorator = self.gpu_decorator(node)
        return decorator.applied(node) if decorator is not None else None

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

    def lookup(self, node: ast.expr, at: ast.AST) -> FunctionNode | None:
        """The def a name or attribute means where `at` is: nested defs of the enclosing
        functions first, then the module's (in blocks too), then methods by name."""
        if isinstance(node, ast.Name):
            current: ast.AST | None = at
            while current is not None:
                current = self.parents.get(current)
                if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    for item in function_body(current):
                        if (
                            isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                            and item.name == node.id
                            and item is not current
                        ):
                            return item
        return self.function_named(node)

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
        owner.__dict__["_zg_scope"] = members  # read back by function_body and walk_module_scope
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
    for node in module_statements(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            info.functions[node.name] = node
        elif isinstance(node, ast.ClassDef):
            info.classes[node.name] = node
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    info.methods.setdefault(item.name, []).append(item)
    for node in walk_module_scope(tree):
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name) and value is not None:
                    info.module_values.setdefault(leaf.id, []).append(value)
    for name, values in info.module_values.items():
        for value in values:
            func = value.func if isinstance(value, ast.Call) else None
            if isinstance(func, ast.Name) and func.id in info.classes:
                info.instances[name] = func.id
    _find_decorators(info)
    return info


def module_statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """Statements that run at import, in blocks too (`with gr.Blocks():`, `if`, `try`)."""
    stack: list[ast.stmt] = list(reversed(tree.body))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            value = getattr(node, name, None)
            if isinstance(value, list):
                stack.extend(reversed(list(_block_statements(value))))


def _block_statements(items: list[ast.AST]) -> Iterator[ast.stmt]:
    """The statements of a block; an `except` handler or a `case` stands for its body (a
    `case` has no line of its own)."""
    for item in items:
        if isinstance(item, ast.stmt):
            yield item
        elif isinstance(item, (ast.ExceptHandler, ast.match_case)):
            yield from item.body


def _gpu_expression(info: ModuleInfo, node: ast.expr | None) -> GpuDecorator | None:
    """`spaces.GPU`, `spaces.GPU(duration=30)`, or either inside `a if cond else b`."""
    if node is None:
        return None
    if isinstance(node, ast.IfExp):
        return _gpu_expression(info, node.body) or _gpu_expression(info, node.orelse)
    target = node.func if isinstance(node, ast.Call) else node
    if info.resolve(target) != GPU:
        return None
    if isinstance(node, ast.Call) and node.args and not isinstance(node.args[0], ast.Constant):
        return None  # spaces.GPU(fn): a wrapped function, not a decorator
    return GpuDecorator(node if isinstance(node, ast.Call) else None)


def _inner_gpu_call(info: ModuleInfo, function: FunctionNode) -> GpuDecorator | None:
    """A def that applies spaces.GPU to a function it is given (or returns a wrapper that does)."""
    found: GpuDecorator | None = None
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Call) and info.resolve(node.func.func) == GPU:
                return GpuDecorator(node.func, function)
            if info.resolve(node.func) == GPU:
                keywords = node.keywords or (
                    node.args[:1] if node.args and isinstance(node.args[0], ast.Constant) else []
                )
                found = GpuDecorator(node if keywords else None, function)
                if keywords:
                    return found
        elif (
            found is None
            and isinstance(node, (ast.Name, ast.Attribute))
            and info.resolve(node) == GPU
        ):
            found = GpuDecorator(None, function)
    return found


def _gpu_owners(info: ModuleInfo) -> set[int]:
    """Functions whose body (not decorator list) refers to spaces.GPU, nested defs included."""
    gpu_names = {name for name, target in info.aliases.items() if target in (GPU, "spaces")}
    owners: set[int] = set()
    for node in info.nodes:
        if isinstance(node, ast.Attribute) and node.attr == "GPU":
            pass
        elif not (isinstance(node, ast.Name) and node.id in gpu_names):
            continue
        if info.resolve(node) != GPU:
            continue
        child: ast.AST = node
        parent = info.parents.get(node)
        while parent is not None:
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if child in parent.decorator_list:
                    break
                owners.add(id(parent))
            child, parent = parent, info.parents.get(parent)
    return owners


def _find_decorators(info: ModuleInfo) -> None:
    if not any(
        target == "spaces" or target.startswith("spaces.") for target in info.aliases.values()
    ):
        return  # decorators of other modules come from link()'s table
    owners = _gpu_owners(info)
    for name, values in info.module_values.items():
        for value in values:
            decorator = _gpu_expression(info, value)
            if decorator is not None:
                info.decorators[name] = decorator
                break
    for name, function in info.functions.items():
        if id(function) not in owners:
            continue
        if any(
            info.resolve(d) == GPU or (isinstance(d, ast.Call) and info.resolve(d.func) == GPU)
            for d in function.decorator_list
        ):
            continue  # a GPU function itself, not a decorator
        decorator = _inner_gpu_call(info, function)
        if decorator is not None:
            info.decorators[name] = decorator
    for node in module_statements(info.tree):  # `if ON_SPACES: gpu = spaces.GPU` ... `else:`
        if isinstance(node, ast.If):
            for branch in (node.body, node.orelse):
                for stmt in branch:
                    if isinstance(stmt, ast.Assign):
                        decorator = _gpu_expression(info, stmt.value)
                        for target in stmt.targets:
                            if decorator is not None and isinstance(target, ast.Name):
                                info.decorators.setdefault(target.id, decorator)


def link(info: ModuleInfo, imported: dict[str, GpuDecorator], gpu_qualified: set[str]) -> None:
    """Second pass, once every module's decorators are known: GPU functions and handlers."""
    info.imported_decorators = imported
    info.gpu_qualified = gpu_qualified
    for node in info.nodes:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            parent = info.parents.get(node)
            cls = parent.name if isinstance(parent, ast.ClassDef) else None
            _register_gpu(info, node, cls)
    for node in walk_module_scope(info.tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            _register_wrapped(info, node)
    _find_handlers(info)


def _register_gpu(info: ModuleInfo, node: FunctionNode, cls: str | None) -> None:
    if node.name in info.decorators and info.decorators[node.name].function is node:
        return
    for decorator in node.decorator_list:
        if info.is_gpu_decorator(decorator):
            info.gpu.append(
                GpuFunction(
                    node,
                    info.spaces_call(decorator),
                    decorator.lineno,
                    decorator.col_offset + 1,
                    {node.name},
                    cls,
                )
            )
            return


def _register_wrapped(info: ModuleInfo, node: ast.Assign) -> None:
    """`fast = spaces.GPU(duration=20)(slow)`, `fast = spaces.GPU(slow)`, `fast = gpu(slow)`."""
    value = node.value
    assert isinstance(value, ast.Call)
    call: ast.Call | None = None
    wrapped: ast.expr | None = None
    if isinstance(value.func, ast.Call) and info.is_gpu_decorator(value.func) and value.args:
        call, wrapped = info.spaces_call(value.func), value.args[0]
    elif info.is_gpu_decorator(value.func) and value.args:
        decorator = info.gpu_decorator(value.func)
        assert decorator is not None
        if decorator.function is None and decorator.call is None:  # spaces.GPU(slow)
            call = value if value.keywords else None
        else:
            call = decorator.applied(value)
        wrapped = value.args[0]
    if wrapped is None:
        return
    function = info.lookup(wrapped, node)
    names = {t.id for t in node.targets if isinstance(t, ast.Name)}
    if function is None or not names:
        return
    if any(gpu.node is function for gpu in info.gpu):
        return
    info.gpu.append(GpuFunction(function, call, node.lineno, node.col_offset + 1, names, None))


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


def handler_targets(info: ModuleInfo, argument: ast.expr, at: ast.AST) -> list[FunctionNode]:
    """The functions an event's `fn` runs: a def (nested too), a method, the function in
    `functools.partial(f, ...)` or `spaces.GPU(...)(f)`, the calls of a lambda, an
    instance's `__call__`."""
    if isinstance(argument, ast.Lambda):
        found = []
        for node in ast.walk(argument.body):
            if isinstance(node, ast.Call):
                found += handler_targets(info, node.func, at)
        return found
    if isinstance(argument, ast.Call):
        resolved = info.resolve(argument.func) or ""
        if resolved in ("functools.partial", "partial") and argument.args:
            return handler_targets(info, argument.args[0], at)
        if info.is_gpu_decorator(argument.func) and argument.args:
            return handler_targets(info, argument.args[0], at)
        if isinstance(argument.func, ast.Call) and info.is_gpu_decorator(argument.func.func):
            return handler_targets(info, argument.args[0], at) if argument.args else []
        return []
    function = info.lookup(argument, at)
    if function is not None:
        return [function]
    if isinstance(argument, ast.Name) and argument.id in info.instances:
        cls = info.classes[info.instances[argument.id]]
        return [
            item
            for item in cls.body
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == "__call__"
        ]
    return []


def _find_handlers(info: ModuleInfo) -> None:
    seen: set[int] = set()
    for node in info.nodes:
        if isinstance(node, ast.Call):
            argument = _handler_argument(info, node)
            if argument is None:
                continue
            if isinstance(argument, ast.Call) and isinstance(argument.func, ast.Call):
                _register_inline(info, argument)
            for function in handler_targets(info, argument, node):
                if id(function) not in seen:
                    seen.add(id(function))
                    info.handlers.append(function)
    for gpu in info.gpu:
        if id(gpu.node) not in seen:
            seen.add(id(gpu.node))
            info.handlers.append(gpu.node)


def _register_inline(info: ModuleInfo, argument: ast.Call) -> None:
    """`btn.click(spaces.GPU(duration=30)(run), ...)`: the wrapped function is a GPU function."""
    decorator = argument.func
    assert isinstance(decorator, ast.Call)
    if not info.is_gpu_decorator(decorator) or not argument.args:
        return
    function = info.lookup(argument.args[0], argument)
    if function is None or any(gpu.node is function for gpu in info.gpu):
        return
    info.gpu.append(
        GpuFunction(
            function,
            info.spaces_call(decorator),
            decorator.lineno,
            decorator.col_offset + 1,
            {function.name},
            None,
        )
    )
