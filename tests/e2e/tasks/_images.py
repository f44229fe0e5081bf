"""Pictures for the vision tasks' e2e modules: made here, deterministic, no files shipped."""

import tempfile
from pathlib import Path

# GPU benchmark sizes: the apps accept any image, so these span a thumbnail to a
# 12-megapixel phone photo (4032x3024), the largest a visitor commonly uploads.
BENCH_SIZES = ((640, 480), (1280, 960), (2048, 1536), (4032, 3024))


def picture(width: int, height: int, seed: int = 0):
    """An RGB picture: colour gradients with a bright disc and noise, different per seed."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    red = 255 * x / max(width - 1, 1)
    green = 255 * y / max(height - 1, 1)
    blue = np.full_like(x, 40.0 * (seed % 6))
    pixels = np.stack([red, green, blue], axis=-1)
    cx, cy, radius = rng.uniform(0.3, 0.7) * width, rng.uniform(0.3, 0.7) * height, height / 4
    pixels[(x - cx) ** 2 + (y - cy) ** 2 < radius**2] = rng.integers(0, 256, 3)
    pixels += rng.normal(0, 12, pixels.shape)
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8))


def picture_file(width: int, height: int, seed: int = 0, folder: Path | None = None) -> Path:
    """picture() saved as a PNG in `folder` (a new temporary folder by default)."""
    folder = Path(folder or tempfile.mkdtemp(prefix="zg-vision-"))
    path = folder / f"picture-{width}x{height}-{seed}.png"
    picture(width, height, seed).save(path)
    return path


def concurrent_picture(index: int) -> Path:
    """The index-th of 8 inputs: each has its own pixels and size, so its outputs differ."""
    return picture_file(64 + 8 * index, 48 + 4 * index, seed=index)


def decoded(path) -> "tuple[str, int, int]":
    """(mode, width, height) of an image file that exists and decodes."""
    from PIL import Image

    assert Path(path).is_file(), f"no image file at {path}"
    with Image.open(path) as image:
        image.load()
        return image.mode, image.width, image.height


def upload(page, path: Path) -> None:
    """Put a file into the page's first image input and wait for its preview."""
    page.locator("input[type=file]").first.set_input_files(str(path))
    page.locator("img").first.wait_for(state="visible", timeout=30_000)


def megapixel_bench_calls(*extra) -> list[tuple[str, tuple, dict]]:
    """BENCH_SIZES as (label, (image, *extra), {"megapixels": ...})."""
    calls = []
    for width, height in BENCH_SIZES:
        calls.append(
            (
                f"{width}x{height} image",
                (picture(width, height), *extra),
                {"megapixels": width * height / 1_000_000},
            )
        )
    return calls
