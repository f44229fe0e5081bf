"""`zgscaffold new` on a real terminal: copier's prompts, answered by keystrokes."""

import os
import re
import sys
import time
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


def test_prompts_refuse_what_the_flags_refuse(tmp_path, facts):
    """Python 3.12 + flash-attn, then a torch without its wheel picked by hand (issue 14).

    copier skips validators on choices picked at a prompt; `new` checks the
    whole answer set again and writes nothing. Every other answer is a flag,
    so only these three questions are asked.
    """
    from zgscaffold import wheels

    default_python = str(facts.data["python"]["default"])
    # the one (Python, torch) recorded for flash-attn on the default Python
    (pair,) = [p for p in wheels.combinations(facts, "flash-attn") if p[0] == default_python]
    torches = facts.supported_torch
    wrong = next(t for t in reversed(torches) if t != pair[1])
    steps_down = torches.index(wrong) - torches.index(pair[1])  # from the default torch
    flags = [
        "--space-name", "asked", "--space-title", "Asked", "--task", "text-generation",
        "--model-id", facts.tasks["text-generation"]["model"], "--short-description", "A demo",
        "--emoji", "🤖", "--color-from", "indigo", "--color-to", "purple",
        "--license", "apache-2.0", "--gpu-size", "large", "--duration-strategy", "fixed",
        "--duration-seconds", "30", "--hub-owner", "acme", "--no-github-actions",
    ]  # fmt: skip
    child = pexpect.spawn(
        ZGSCAFFOLD,
        ["new", str(tmp_path / "work" / "asked"), "--no-lock", *flags],
        cwd=str(tmp_path),
        env={**os.environ, "TERM": "xterm", "COLUMNS": "120"},
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 120),
    )

    def answer(question: str, keys: str, last_choice: str) -> None:
        child.expect(question)
        child.expect(re.escape(last_choice))  # the choices are drawn
        time.sleep(1)  # let the prompt take keys
        child.send(keys)
        time.sleep(0.3)
        child.send("\r")

    pythons = facts.supported_python
    python_steps = pythons.index(pair[0]) - pythons.index(default_python)
    answer("Which Python", "\x1b[B" * python_steps, pythons[-1])  # from the default Python
    cuda = list(facts.cuda_packages)
    assert cuda[0] == "flash-attn"
    answer("Which prebuilt CUDA packages", " ", cuda[-1])  # tick the first: flash-attn
    answer("Which torch release", "\x1b[B" * steps_down, torches[-1])
    child.expect(pexpect.EOF)
    message = " ".join(child.before.split())
    child.close()
    assert child.exitstatus == 2, message
    assert f"torch_version {wrong} has no recorded wheel of flash-attn" in message
    assert "as answered at the prompts" in message
    assert not (tmp_path / "work").exists()
