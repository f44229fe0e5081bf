"""The docs: a page per rule where the checker links, every question, the gallery from facts,
and README buttons built from the facts' Hub settings."""

import importlib.util
import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
RULE_SECTIONS = [
    "## What",
    "## Why",
    "## Example",
    "## How the template obeys it",
    "## How `zgscaffold check` finds it",
    "## Fix",
]


def load_hooks():
    spec = importlib.util.spec_from_file_location("zg_docs_hooks", DOCS / "hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rule_codes() -> list[str]:
    """The codes of the rules table in docs/rules/index.md."""
    table = (DOCS / "rules" / "index.md").read_text()
    return re.findall(r"^\| \[(ZG\d{3})\]\(\1\.md\) \|", table, re.M)


def mkdocs_config() -> dict:
    class Loader(yaml.SafeLoader):
        pass

    return yaml.load((REPO / "mkdocs.yml").read_text(), Loader=Loader)


def nav_pages(nav) -> list[str]:
    pages = []
    for item in nav:
        if isinstance(item, str):
            pages.append(item)
        else:
            for value in item.values():
                pages += nav_pages(value) if isinstance(value, list) else [value]
    return pages


def test_site_url_is_where_the_checker_links(facts):
    assert mkdocs_config()["site_url"] == facts.data["project"]["docs_url"]


def test_every_rule_has_a_complete_page_at_the_checkers_link(facts):
    codes = rule_codes()
    assert len(codes) == len(set(codes)) >= 35
    assert "ZG901" in codes  # leftover conflict markers, added by the checker
    pattern = facts.data["project"]["rule_page"]
    for code in codes:
        url = pattern.format(code=code)
        assert url == f"rules/{code}/"  # use_directory_urls: rules/ZG101.md -> rules/ZG101/
        page = (DOCS / url.rstrip("/")).with_suffix(".md").read_text()
        assert page.startswith(f"# {code}: ")
        assert "**Severity:** " in page
        positions = [page.find(section) for section in RULE_SECTIONS]
        assert -1 not in positions, code
        assert positions == sorted(positions), code
        assert page.count("```") >= 4, f"{code} needs a bad and a good example"


def test_rule_pages_match_the_checkers_codes():
    from zgscaffold import check
    from zgscaffold.check.model import UNREADABLE

    codes = {rule.code for rule in check.RULES} | {UNREADABLE.code}  # ZG900 has a page too
    assert codes == set(rule_codes())


def test_nav_lists_every_page_and_only_existing_ones():
    pages = nav_pages(mkdocs_config()["nav"])
    on_disk = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md") if not p.name.startswith("_")}
    assert set(pages) == on_disk


def test_every_question_has_a_section():
    config = yaml.safe_load((REPO / "copier.yml").read_text())
    questions = [
        key
        for key, spec in config.items()
        if not key.startswith("_") and not (isinstance(spec, dict) and spec.get("when") is False)
    ]
    assert "hub_owner" in questions and "github_actions" in questions
    page = (DOCS / "questions.md").read_text()
    headings = re.findall(r"^## (.+)$", page, re.M)
    for question in questions:
        assert any(f"`{question}`" in heading for heading in headings), question


def test_gallery_has_a_section_per_task_and_only_existing_screenshots(tmp_path, facts):
    hooks = load_hooks()
    (tmp_path / "images" / "gallery").mkdir(parents=True)
    first, *others = facts.tasks
    (tmp_path / "images" / "gallery" / f"{first}.png").write_bytes(b"\x89PNG\r\n")
    page = hooks.expand("<!-- zg:gallery -->", facts.data, tmp_path)
    assert re.findall(r"^## .* `(.+)`$", page, re.M) == list(facts.tasks)
    assert f"![The generated {first} app](images/gallery/{first}.png)" in page
    for task in others:
        assert f"images/gallery/{task}.png)" not in page
        assert f"--task {task}" in page


def test_fact_markers_read_the_facts_file(facts):
    hooks = load_hooks()
    text = "<!-- zg:fact torch.supported.-1 --> <!-- zg:fact torch.supported.@0.torchvision -->"
    newest, first = facts.supported_torch[-1], facts.supported_torch[0]
    assert (
        hooks.expand(text, facts.data, DOCS) == f"{newest} {facts.sidecars[first]['torchvision']}"
    )
    for page in DOCS.rglob("*.md"):
        expanded = hooks.expand(page.read_text(), facts.data, DOCS)
        assert "<!-- zg:" not in expanded, page


def test_readme_buttons_are_built_from_the_facts(facts):
    hub = facts.data["hub"]
    space = hub["template_space"]
    readme = (REPO / "README.md").read_text()
    badges = re.findall(r"^\[!\[[^\]]*\]\([^)]*\)\]\(([^)]*)\)$", readme, re.M)
    assert badges == [
        hub["new_from_template"].format(space=space),
        hub["duplicate"].format(space=space),
        facts.data["project"]["docs_url"],
    ]
    hub_links = set(re.findall(r"https://huggingface\.co/(?:new-space|spaces/)[^)\s]*", readme))
    assert hub_links == set(badges[:2])  # no other, hand-written copy of the Space id


def test_every_shown_export_command_is_the_facts_one():
    """The export command lives in facts (project.export_command): a page that shows
    it whole shows that one (a fragment in prose, `uv export --no-emit-package
    spaces`, is not a command line)."""
    from zgscaffold.facts import load_facts

    command = load_facts().model.project.export_command
    pages = [REPO / "README.md", *DOCS.rglob("*.md"), *(REPO / "examples").rglob("*.md")]
    shown = [
        (page, line)
        for page in pages
        for line in page.read_text().splitlines()
        if re.match(r"\s*(#\s*)?(uv lock && )?uv export --", line)
    ]
    assert shown, "no page shows the export command"
    assert [(p, line) for p, line in shown if command not in line] == []
