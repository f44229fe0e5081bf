"""Render a Space, build its tiny model, and run `python app.py` as a process."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import copier

REPO = Path(__file__).resolve().parents[2]
TRACER = Path(__file__).resolve().parent / "tracer"


def render(task: str, dest: Path, **answers) -> Path:
    """copier.run_copy from the repository root with the defaults, as a user would."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a checkout with uncommitted changes is fine here
        copier.run_copy(
            str(REPO),
            dest,
            data={"task": task, "space_name": task, **answers},
            defaults=True,
            quiet=True,
            vcs_ref="HEAD",
            unsafe=False,
        )
    return dest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class App:
    """`python app.py` on a free port, with @spaces.GPU calls logged to a file."""

    def __init__(self, app_dir: Path, model_dir: Path, extra_env: dict | None = None):
        self.dir = app_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.calls_file = app_dir / "gpu-calls.log"
        self.log_file = app_dir / "app.log"
        env = {
            **os.environ,
            "MODEL_ID": str(model_dir),
            "GRADIO_SERVER_PORT": str(self.port),
            "GRADIO_SERVER_NAME": "127.0.0.1",
            "GRADIO_ANALYTICS_ENABLED": "False",
            "HF_HUB_OFFLINE": "1",
            "PYTHONUNBUFFERED": "1",
            "CUDA_VISIBLE_DEVICES": "",
            # sitecustomize in TRACER logs each @spaces.GPU call (app.py is unchanged).
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(TRACER), os.environ.get("PYTHONPATH")])
            ),
            "ZG_GPU_CALLS": str(self.calls_file),
            **(extra_env or {}),
        }
        self.log = self.log_file.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=app_dir,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"app.py exited with {self.process.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.url + "config", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        raise TimeoutError(f"app.py not ready after {timeout} s:\n{self.tail()}")

    def gpu_calls(self) -> list[str]:
        return self.calls_file.read_text().split() if self.calls_file.exists() else []

    def tail(self, chars: int = 4000) -> str:
        return self.log_file.read_text()[-chars:]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()
