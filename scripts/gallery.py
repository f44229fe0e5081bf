"""Regenerate docs/images/gallery/<task>.png: every task's Space, used once in Chromium.

    uv run python scripts/gallery.py [TASK ...]

Renders each task with the defaults, builds its tiny random model (no Hub),
starts `python app.py`, drives the page as a visitor would (tests/e2e/tasks/
<task>.py `browse`), and saves a small palette PNG of the result. The
images show layout, not model quality: the models are random.
"""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from e2e.browser import chromium_page, open_space  # noqa: E402
from e2e.conftest import TASKS  # noqa: E402
from e2e.spaces_under_test import App, render  # noqa: E402
from e2e.tasks import load, model_env  # noqa: E402
from PIL import Image  # noqa: E402

GALLERY = ROOT / "docs" / "images" / "gallery"


def shoot(task: str, work: Path) -> Path:
    module = load(task)
    model = work / f"model-{task}"
    module.build_model(model, "tiny")
    app = App(render(task, work / task), model, model_env(task, model))
    try:
        app.wait_ready()
        with chromium_page(1000, 760) as page:
            open_space(page, app.url)
            module.browse(page)
            page.wait_for_timeout(1500)
            raw = work / f"{task}.png"
            page.screenshot(path=raw)
    finally:
        app.stop()
    GALLERY.mkdir(parents=True, exist_ok=True)
    out = GALLERY / f"{task}.png"
    with Image.open(raw) as image:
        image.convert("RGB").quantize(colors=64).save(out, optimize=True)
    return out


def main() -> None:
    tasks = sys.argv[1:] or TASKS
    with tempfile.TemporaryDirectory(prefix="zg-gallery-") as work:
        for task in tasks:
            out = shoot(task, Path(work))
            print(f"{task}: {out.relative_to(ROOT)} ({out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
