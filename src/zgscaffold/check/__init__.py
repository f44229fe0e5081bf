"""`zgscaffold check`: find ZeroGPU rule violations (RULES.md) without running the Space."""

from zgscaffold.check.engine import check_paths
from zgscaffold.check.fix import fix_paths
from zgscaffold.check.model import RULES, Finding, Rule, Severity

__all__ = ["RULES", "Finding", "Rule", "Severity", "check_paths", "fix_paths"]
