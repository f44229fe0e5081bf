"""The default Space in a real browser: fill the input, submit, see the reply."""

import pytest

from .browser import CHROMIUM, chromium_page, open_space
from .tasks import load

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
DEFAULT_TASK = "text-generation"


# Parametrized so that it runs beside (and reuses) the default task's served app.
@pytest.mark.parametrize("task", [DEFAULT_TASK])
def test_default_space_answers_in_chromium(task, running_app, tmp_path):
    assert CHROMIUM.exists(), "install Debian's chromium (scripts/test does)"
    app = running_app(task)
    calls_before = len(app.gpu_calls())
    with chromium_page() as page:
        open_space(page, app.url)
        load(task).browse(page)
        page.screenshot(path=tmp_path / "chat.png")
    assert len(app.gpu_calls()) > calls_before, (
        "the browser's message never reached the GPU handler"
    )
    assert (tmp_path / "chat.png").stat().st_size > 10_000
