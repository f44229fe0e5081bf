"""A chat reply whose generate() fails ends with the error, not a stream that waits forever.

generate() runs on its own thread, feeding a TextIteratorStreamer that the GPU call
iterates; if it raised there, the streamer got no end signal and the call hung until
ZeroGPU's duration ran out. The tiny chat-lora model has 256 positions
(tests/e2e/tasks/chat_lora.py), so 512 new tokens overflow them and generate() fails.
"""

import json
import subprocess
import sys

import pytest
from e2e.tasks import model_env

CHAT = """
import json, sys
from concurrent.futures import ThreadPoolExecutor
sys.path.insert(0, sys.argv[1])
import app

def reply(tokens):
    # As ZeroGPU's worker runs a call: in a thread of its own.
    with ThreadPoolExecutor(1) as worker:
        return worker.submit(lambda: list(app.chat("what is a gpu", [], tokens, 0.0))).result()

short = reply(16)
try:
    reply(512)
    failed = None
except Exception as error:
    failed = f"{type(error).__name__}: {error}"
print(json.dumps({"short": short[-1], "failed": failed}))
"""


@pytest.mark.parametrize("task", ["chat-lora"])
def test_a_failing_generate_ends_the_reply_with_its_error(
    task, matrix_render, tiny_model, tmp_path
):
    space = matrix_render({"task": task, "duration_strategy": "dynamic"}).project_dir
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **model_env(task, tiny_model(task))}
    run = subprocess.run(
        [sys.executable, "-c", CHAT, str(space)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,  # the old handler never returned
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["short"].strip()
    assert result["failed"] is not None, "512 tokens on 256 positions did not fail"
    assert "Generating the reply failed: IndexError" in result["failed"]
