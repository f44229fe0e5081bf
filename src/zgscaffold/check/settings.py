"""`[tool.zgscaffold]` in a Space's pyproject.toml, and rule selection."""

from dataclasses import dataclass, field
from typing import Any

from zgscaffold.check.model import BY_CODE, Finding, lookup
from zgscaffold.errors import BadInput

KNOWN = {"duration-cap", "select", "extend-select", "ignore"}


@dataclass(frozen=True)
class Settings:
    duration_cap: int
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    problems: list[Finding] = field(default_factory=list, compare=False)


def validate_codes(codes: list[str] | tuple[str, ...], where: str) -> list[str]:
    """Codes or prefixes (ZG3, ZG30, ZG301, ALL; comma-separated lists too); BadInput names
    an unknown one."""
    result = []
    for raw in (part for item in codes for part in str(item).split(",")):
        code = raw.strip().upper()
        if not code:
            continue
        if code != "ALL" and not any(rule.startswith(code) for rule in [*BY_CODE, "ZG900"]):
            raise BadInput(
                f"{where}: unknown rule code or prefix {raw!r}: use codes such as ZG301 or "
                f"prefixes such as ZG3 (see `zgscaffold check --help`)"
            )
        result.append(code)
    return result


def space_settings(pyproject: dict[str, Any] | None, default_cap: int, name: str) -> Settings:
    tool = (pyproject or {}).get("tool")
    table = (tool.get("zgscaffold") if isinstance(tool, dict) else None) or {}
    problems: list[Finding] = []
    if not isinstance(table, dict):
        return Settings(default_cap)
    cap = table.get("duration-cap", default_cap)
    if not isinstance(cap, int) or isinstance(cap, bool) or cap <= 0:
        problems.append(
            Finding(
                "ZG900",
                name,
                1,
                1,
                f"[tool.zgscaffold] duration-cap must be a positive whole number of seconds, "
                f"not {cap!r}",
            )
        )
        cap = default_cap
    lists: dict[str, list[str]] = {}
    for key in ("select", "extend-select", "ignore"):
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(
                Finding("ZG900", name, 1, 1, f"[tool.zgscaffold] {key} must be a list of codes")
            )
            value = []
        try:
            lists[key] = validate_codes(value, f"{name} [tool.zgscaffold] {key}")
        except BadInput as error:
            problems.append(Finding("ZG900", name, 1, 1, str(error)))
            lists[key] = []
    for key in table:
        if key not in KNOWN:
            problems.append(
                Finding(
                    "ZG900",
                    name,
                    1,
                    1,
                    f"[tool.zgscaffold] has unknown key {key!r}: use one of "
                    + ", ".join(sorted(KNOWN)),
                )
            )
    if lists["select"]:
        select = tuple(lists["select"] + lists["extend-select"])
    elif lists["extend-select"]:
        select = ("DEFAULT", *lists["extend-select"])
    else:
        select = ()
    return Settings(cap, select, tuple(lists["ignore"]), problems)


def _matches(code: str, patterns: tuple[str, ...] | list[str]) -> bool:
    return any(p == "ALL" or code.startswith(p) for p in patterns)


def enabled(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    """ruff's way: the most specific of select/ignore wins; ZG900 is always on."""
    if code == "ZG900":
        return True
    rule = lookup(code)
    chosen = [p for p in select if p != "DEFAULT"]
    by_default = not select or "DEFAULT" in select
    selected_len = 0 if by_default and rule.default else -1
    for pattern in chosen:
        if pattern == "ALL" or code.startswith(pattern):
            selected_len = max(selected_len, 0 if pattern == "ALL" else len(pattern))
    if selected_len < 0:
        return False
    for pattern in ignore:
        if pattern == "ALL" or code.startswith(pattern):
            length = 0 if pattern == "ALL" else len(pattern)
            if length >= selected_len:
                return False
    return True
