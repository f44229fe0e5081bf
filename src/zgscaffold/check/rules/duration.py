"""ZG3xx: duration and quota."""

import ast
from collections.abc import Iterator

from zgscaffold.check.model import FACTS, GRAPH, INFO, E, Finding, Rule, W
from zgscaffold.check.pyscope import (
    FunctionNode,
    GpuFunction,
    walk_scope,
)
from zgscaffold.check.rules.base import ModuleChecks, _parameters, is_aoti_compile

DAY = 86_400  # spaces reads durations as timedelta.seconds: modulo one day
FAMILY = "duration and quota"
RULES = (
    Rule("ZG301", W, "every @spaces.GPU declares `duration`"),
    Rule(
        "ZG302",
        W,
        "requested seconds (declared x the size's request factor) stay within the per-call cap",
        needs=(FACTS, GRAPH),
    ),
    Rule("ZG303", INFO, '`size="xlarge"` only where memory or compute needs it', default=False),
    Rule("ZG304", E, "a duration callable accepts the decorated function's parameters"),
    Rule("ZG305", E, "a literal duration is a positive number of seconds under one day"),
)


def _number(value: float) -> str:
    """A number for a message: `:g` overflows on a 400-digit integer."""
    if isinstance(value, int) and abs(value) >= 10**15:
        return "over 10^15"  # str() refuses ints of more than 4300 digits
    return str(value) if isinstance(value, int) else f"{value:g}"


class Checks(ModuleChecks):
    def run(self) -> Iterator[Finding]:
        for gpu in self.info.gpu:
            yield from self.zg30x_duration(gpu)

    # --- ZG3xx -----------------------------------------------------------------
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
        anchor = ast.Name(id="", lineno=gpu.line, col_offset=gpu.column - 1)
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
            numbers = [v for v in folded if isinstance(v, (int, float))]
            if folded and len(numbers) == len(folded):
                seconds = max(numbers)
            yield from self._zg304(gpu, callable_, duration)
        if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
            return
        if seconds <= 0 or seconds >= DAY:
            yield self.finding(
                "ZG305",
                duration,
                f"duration {_number(seconds)} s is not a positive number of seconds under one day: "
                f"spaces reads it as a timedelta's seconds, so it becomes "
                f"{int(seconds) % DAY} s; declare the worst case in seconds (1 to {self.cap})",
            )
            return
        if not isinstance(size, str) or size not in self.factors:
            return
        compile_max = self.project.facts.data["checker"]["aoti_compile_seconds"]
        if is_aoti_compile(gpu.node, self.info) and seconds <= compile_max:
            return  # the documented ahead-of-time compile call at start-up
        factor = self.project.facts.request_factor(size)
        if seconds * factor > self.cap:
            most = int(self.cap // factor)
            yield self.finding(
                "ZG302",
                duration,
                f"duration {seconds:g} s on size {size!r} requests {seconds * factor:g} s "
                f"(x{factor:g}), over the {self.cap} s per-call cap: declare {most} s or less "
                f"(or set [tool.zgscaffold] duration-cap)",
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
