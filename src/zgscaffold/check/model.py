"""Findings, severities and the registry of rule codes (RULES.md is the source)."""

from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path


class Severity(IntEnum):
    """Ordered so that `severity >= fail_on` compares as expected."""

    info = 1
    warning = 2
    error = 3

    @property
    def label(self) -> str:
        return self.name


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    summary: str
    static: bool = True  # False: static analysis cannot decide it; see docs/checker.md
    default: bool = True  # False: opt-in with --select


E, W, INFO = Severity.error, Severity.warning, Severity.info

BY_CODE: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule("ZG101", E, "README frontmatter pins `python_version`"),
        Rule("ZG102", E, "`python_version` is one ZeroGPU supports"),
        Rule("ZG103", E, "`spaces` is not listed in requirements.txt"),
        Rule("ZG104", W, "`gradio` is not in requirements.txt; `sdk_version` owns it"),
        Rule("ZG105", E, "`sdk: gradio` (other SDKs cannot use ZeroGPU)"),
        Rule("ZG106", E, "a `torch` pin is in the supported set"),
        Rule("ZG107", E, "no sdist-only CUDA extension is listed by bare name"),
        Rule("ZG108", E, "a direct-URL wheel's cpXY tag matches `python_version`"),
        Rule("ZG109", E, "a direct-URL wheel's torchX.Y tag matches an explicit `torch==` pin"),
        Rule("ZG110", W, "torchvision/torchaudio/torchcodec are pinned to torch's release"),
        Rule("ZG111", W, "a uv-managed Space declares `spaces` in pyproject.toml"),
        Rule("ZG112", W, "`sdk_version` is set"),
        Rule("ZG113", INFO, "`huggingface_hub` is not listed in requirements.txt without reason"),
        Rule("ZG201", W, "`import spaces` is unconditional (no try/except ImportError stand-in)"),
        Rule("ZG202", E, "no `torch.compile`; use AoTI (`spaces.aoti_*`)"),
        Rule("ZG203", W, "models load eagerly at module scope, not lazily in a handler"),
        Rule("ZG204", W, "models are placed on the device at module scope, not in @spaces.GPU"),
        Rule("ZG205", W, "the device comes from the `torch.cuda.is_available()` idiom"),
        Rule("ZG206", W, "no branching on `torch.cuda.is_available()` beyond device selection"),
        Rule("ZG207", E, "no inference, warm-up or CUDA kernel at module scope"),
        Rule("ZG208", E, "a Space that uses CUDA has at least one @spaces.GPU function"),
        Rule("ZG301", W, "every @spaces.GPU declares `duration`"),
        Rule("ZG302", W, "duration x size factor stays within the per-call cap"),
        Rule("ZG303", INFO, '`size="xlarge"` only where memory or compute needs it', default=False),
        Rule("ZG304", E, "a duration callable accepts the decorated function's parameters"),
        Rule("ZG401", E, "a @spaces.GPU function never returns a CUDA tensor"),
        Rule("ZG402", E, "@spaces.GPU is not applied to `async def`"),
        Rule("ZG403", E, "GPU arguments and return values are picklable"),
        Rule("ZG404", W, "a gr.State mutated in a decorated generator is yielded back"),
        Rule("ZG501", E, "handlers do not write module-level mutable state"),
        Rule("ZG502", E, "handlers write outputs to unique (tempfile) paths"),
        Rule("ZG601", W, "a @spaces.GPU function is not called inside a loop"),
        Rule("ZG701", W, "gr.Examples with `run_on_click` sets `cache_examples=False`"),
        Rule("ZG702", W, 'examples of GPU functions are not cached with `cache_mode="eager"`'),
        Rule("ZG901", E, "no leftover merge conflict markers"),
    )
}
RULES: tuple[Rule, ...] = tuple(BY_CODE.values())  # the catalogue, in code order
# Not a platform rule: a file the checker needs but cannot read or parse, or a
# failure of the checker on one Space (docs/rules/ZG900.md). Always on.
UNREADABLE = Rule("ZG900", E, "every file the checker needs can be read and parsed")


def lookup(code: str) -> Rule:
    return UNREADABLE if code == UNREADABLE.code else BY_CODE[code]


@dataclass(frozen=True)
class Edit:
    """Replace lines [start, end] (1-based, inclusive) of a file with `text` ("" deletes)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Fix:
    description: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Finding:
    code: str
    path: str  # as given or relative to the checked folder
    line: int
    column: int
    message: str
    fix: Fix | None = field(default=None, compare=False)
    file: Path | None = field(default=None, compare=False, repr=False)  # for --fix

    @property
    def rule(self) -> Rule:
        return lookup(self.code)

    @property
    def severity(self) -> Severity:
        return lookup(self.code).severity

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)


def rule_url(code: str, docs_url: str, rule_page: str) -> str:
    return docs_url.rstrip("/") + "/" + rule_page.replace("{code}", code).lstrip("/")
