"""Debian's headless Chromium, driven by playwright (no browser download)."""

import tempfile
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium_page(width: int = 1100, height: int = 800):
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="zg-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            viewport={"width": width, "height": height},
        )
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def open_space(page, url: str) -> None:
    """Load a Gradio app and wait until its components are on the page."""
    page.goto(url, wait_until="load", timeout=60_000)
    page.locator(".gradio-container button, .gradio-container textarea").first.wait_for(
        timeout=60_000
    )
