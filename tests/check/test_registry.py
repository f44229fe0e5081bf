"""The registry is the one place a rule is described: docs index and SARIF come from it."""

import json
from pathlib import Path

from zgscaffold.check import RULES
from zgscaffold.check.model import BY_CODE, lookup
from zgscaffold.check.output import as_sarif
from zgscaffold.check.rules import FAMILIES, index_page

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_docs_rule_index_is_made_from_the_registry() -> None:
    # Regenerate with: uv run python -m zgscaffold.check.rules > docs/rules/index.md
    assert (DOCS / "rules" / "index.md").read_text(encoding="utf-8") == index_page()


def test_each_family_holds_only_its_own_codes_once() -> None:
    codes = [rule.code for family in FAMILIES for rule in family.RULES]
    assert len(codes) == len(set(codes)) == len(RULES)
    for family in FAMILIES:
        prefixes = {rule.code[:3] for rule in family.RULES}
        assert len(prefixes) == 1, family.__name__


def test_sarif_rule_metadata_is_the_registry(facts) -> None:
    driver = json.loads(as_sarif([], facts))["runs"][0]["tool"]["driver"]
    described = {rule["id"]: rule for rule in driver["rules"]}
    assert set(described) == {*BY_CODE, "ZG900"}
    for rule in RULES:
        assert described[rule.code]["shortDescription"]["text"] == rule.summary
        level = described[rule.code]["defaultConfiguration"]["level"]
        assert (
            level == {"error": "error", "warning": "warning", "info": "note"}[rule.severity.label]
        )
    assert lookup("ZG301") is BY_CODE["ZG301"]
