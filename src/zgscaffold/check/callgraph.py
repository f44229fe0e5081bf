"""The Space's call graph: which functions run when a visitor acts, across its own modules.

Roots are the handlers (functions wired to Gradio events, Interface functions and
GPU functions, nested defs, methods, `functools.partial` and lambdas included).
From each root the graph follows calls to the Space's own functions: defs nested
in the caller, the module's functions, functions imported from the Space's
modules (`from helpers import f`, `import helpers; helpers.f()`), methods through
`self`, and methods of module-level instances of the Space's classes.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from zgscaffold.check.pyscope import FunctionNode, ModuleInfo, function_body


@dataclass(frozen=True)
class Reached:
    function: FunctionNode
    info: ModuleInfo
    root: str  # the handler it runs for (its own name when it is one)


class CallGraph:
    def __init__(self, infos: list[ModuleInfo]) -> None:
        self.infos = infos
        self.by_module = {info.mod.module: info for info in infos}
        self._callees: dict[int, list[tuple[FunctionNode, ModuleInfo]]] = {}
        self.reached: dict[int, Reached] = {}
        queue: list[Reached] = [
            Reached(function, info, function.name) for info in infos for function in info.handlers
        ]
        while queue:
            item = queue.pop(0)
            if id(item.function) in self.reached:
                continue
            self.reached[id(item.function)] = item
            for callee, owner in self.callees(item.function, item.info):
                if id(callee) not in self.reached:
                    queue.append(Reached(callee, owner, item.root))

    def in_module(self, info: ModuleInfo) -> Iterator[Reached]:
        """Functions of `info` that run for some handler, in source order."""
        found = [r for r in self.reached.values() if r.info is info]
        yield from sorted(found, key=lambda r: r.function.lineno)

    def is_reached(self, function: FunctionNode) -> bool:
        return id(function) in self.reached

    def callees(
        self, function: FunctionNode, info: ModuleInfo
    ) -> list[tuple[FunctionNode, ModuleInfo]]:
        key = id(function)
        if key not in self._callees:
            found: list[tuple[FunctionNode, ModuleInfo]] = []
            for node in function_body(function):
                target: ast.expr | None = None
                if isinstance(node, ast.Call):
                    target = node.func
                elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                    parent = info.parents.get(node)
                    if isinstance(parent, (ast.Call, ast.keyword)) and node is not getattr(
                        parent, "func", None
                    ):
                        target = node  # passed on: Thread(target=f), partial(f), map(f, ...)
                if target is not None:
                    resolved = self.resolve(target, function, info)
                    if resolved is not None and resolved[0] is not function:
                        found.append(resolved)
            self._callees[key] = found
        return self._callees[key]

    def resolve(
        self, target: ast.expr, at: ast.AST, info: ModuleInfo
    ) -> tuple[FunctionNode, ModuleInfo] | None:
        """The Space's own function a call target means, and the module that defines it."""
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            receiver = target.value.id
            if receiver in ("self", "cls"):
                method = self._method_of_enclosing_class(info, at, target.attr)
                return (method, info) if method is not None else None
            found = self.class_of(info, receiver)
            if found is not None:
                method = _method(found[0], target.attr)
                return (method, found[1]) if method is not None else None
        if isinstance(target, ast.Name):
            local = info.lookup(target, at)
            if local is not None and target.id not in info.aliases:
                return local, info
        qualified = info.resolve(target) or ""
        module, _, name = qualified.rpartition(".")
        owner = self.by_module.get(module)
        if owner is not None and (owner is not info or isinstance(target, ast.Attribute)):
            if name in owner.functions:
                return owner.functions[name], owner
            if name in owner.classes:
                init = _method(owner.classes[name], "__init__")
                return (init, owner) if init is not None else None
        # `from helpers import runner` ... `runner.step()`: an instance in another module
        parent, _, instance = module.rpartition(".")
        owner = self.by_module.get(parent)
        if owner is not None and instance in owner.instances:
            method = _method(owner.classes[owner.instances[instance]], name)
            return (method, owner) if method is not None else None
        return None

    def class_of(self, info: ModuleInfo, name: str) -> tuple[ast.ClassDef, ModuleInfo] | None:
        """The Space's class a module-level name is an instance of (`narrator = Narrator()`,
        the class defined here or imported from another module of the Space)."""
        if name in info.instances:
            return info.classes[info.instances[name]], info
        for value in info.module_values.get(name, []):
            if isinstance(value, ast.Call):
                module, _, cls = (info.resolve(value.func) or "").rpartition(".")
                owner = self.by_module.get(module)
                if owner is not None and cls in owner.classes:
                    return owner.classes[cls], owner
        return None

    @staticmethod
    def _method_of_enclosing_class(info: ModuleInfo, at: ast.AST, name: str) -> FunctionNode | None:
        current: ast.AST | None = at
        while current is not None:
            if isinstance(current, ast.ClassDef):
                return _method(current, name)
            current = info.parents.get(current)
        methods = info.methods.get(name)
        return methods[0] if methods else None


def _method(cls: ast.ClassDef, name: str) -> FunctionNode | None:
    for item in cls.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == name:
            return item
    return None
