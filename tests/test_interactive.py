"""`zgscaffold new` on a real terminal: copier's prompts, answered by keystrokes."""

import os
import sys
from pathlib import Path

import pexpect
import yaml

ZGSCAFFOLD = str(Path(sys.executable).with_name("zgscaffold"))


def test_prompts_on_a_terminal(tmp_path):
    child = pexpect.spawn(
        ZGSCAFFOLD,
        ["new", str(tmp_path / "asked"), "--no-lock"],
        cwd=str(tmp_path),
        env={**os.environ, "TERM": "xterm", "COLUMNS": "120"},
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 120),
    )
    child.expect("Space's name on the Hub")
    child.sendline("")
    child.expect("Which title")
    child.sendline("")
    child.expect("Which kind of app")
    child.send("\x1b[B")  # arrow down: the second task type
    child.sendline("")
    answered = 3
    while True:
        index = child.expect(["Created", r"\?", pexpect.EOF])
        if index != 1:
            break
        child.sendline("")
        answered += 1
    assert index == 0, child.before
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert answered >= 12
    answers = yaml.safe_load((tmp_path / "asked" / ".copier-answers.yml").read_text())
    assert answers["task"] == "text-to-image"
    assert answers["space_name"] == "asked"
