"""image-to-image: a tiny StableDiffusionPipeline (AutoPipelineForImage2Image loads it as
img2img); /transform returns a PNG file the size of the input fitted to multiples of 64."""

from pathlib import Path

from . import text_to_image

HANDLER = "transform"
SIZES = {
    # CPU tests: a UNet and VAE of widths 8 and 16 on 32x32 latents.
    "tiny": dict(
        unet=dict(
            block_out_channels=(8, 16),
            layers_per_block=1,
            cross_attention_dim=32,
            attention_head_dim=4,
            norm_num_groups=4,
            down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
            up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        ),
        vae=dict(
            block_out_channels=(8, 16),
            layers_per_block=1,
            norm_num_groups=4,
            latent_channels=4,
            sample_size=64,
        ),
        text=dict(hidden_size=32, intermediate_size=37, num_hidden_layers=2, num_attention_heads=4),
    ),
    # GPU benchmark: sd-turbo's shape, the preset's default model (as text-to-image).
    "bench": text_to_image.SIZES["bench"],
}
MAX_SIDE = 768
REFUSED_STEPS = "Steps x strength must be at least 1: raise one of them."


def build_model(dest: Path, scale: str = "tiny") -> None:
    text_to_image.build_pipeline(dest, SIZES[scale])


def photo(path: Path, width: int, height: int, seed: int) -> Path:
    import numpy as np
    from PIL import Image

    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path)
    return path


def fitted_size(width: int, height: int) -> tuple[int, int]:
    """The app's fitted_size: at most MAX_SIDE, in multiples of 64."""
    scale = min(1.0, MAX_SIDE / max(width, height))
    return max(64, int(width * scale) // 64 * 64), max(64, int(height * scale) // 64 * 64)


def _image(path) -> "tuple[int, int]":
    from PIL import Image

    assert Path(path).is_file(), f"no image file at {path}"
    with Image.open(path) as image:
        image.load()
        return image.size


def gradient(path: Path, width: int, height: int) -> Path:
    """A smooth picture for the gallery screenshot (noise would bloat the PNG)."""
    import numpy as np
    from PIL import Image

    x = np.linspace(0, 255, width, dtype=np.uint8)[None, :].repeat(height, 0)
    y = np.linspace(0, 255, height, dtype=np.uint8)[:, None].repeat(width, 1)
    Image.fromarray(np.stack([x, y, 255 - x], axis=2)).save(path)
    return path


def check_endpoints(client, app_dir: Path) -> None:
    """A small and an oversized photo come back as PNG files of their fitted sizes; the
    app refuses a missing image and steps x strength below one with its own messages."""
    import pytest
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    for width, height in ((200, 100), (900, 300)):
        image = handle_file(str(photo(app_dir / f"photo-{width}.png", width, height, 0)))
        path = client.predict(image, "A watercolor fox", 0.5, 4, 0.0, 1, api_name="/transform")
        assert str(path).endswith(".png"), f"not a PNG: {path}"
        assert _image(path) == fitted_size(width, height)
    with pytest.raises(AppError) as refused:
        client.predict(image, "A watercolor fox", 0.1, 5, 0.0, 1, api_name="/transform")
    assert str(refused.value) == REFUSED_STEPS
    with pytest.raises(AppError) as refused:
        client.predict(None, "A watercolor fox", 0.5, 4, 0.0, 1, api_name="/transform")
    assert str(refused.value) == "Upload an image first."


def concurrent_call(client, index: int):
    import tempfile

    from gradio_client import handle_file
    from PIL import Image

    folder = Path(tempfile.mkdtemp(prefix="zg-img2img-"))
    image = handle_file(str(photo(folder / f"photo-{index}.png", 64 + 16 * index, 64, index)))
    path = client.predict(
        image, f"A tiny robot number {index}", 0.5, 2, 0.0, index, api_name="/transform"
    )
    with Image.open(path) as result:
        return result.tobytes(), [path]


def browse(page) -> None:
    import tempfile

    path = gradient(Path(tempfile.mkdtemp()) / "photo.png", 384, 256)
    page.locator("input[type=file]").first.set_input_files(str(path))
    page.wait_for_timeout(2000)  # the upload shows in the input component
    served = "img[src*='/file'], img[src*='file=']"
    before = page.locator(served).count()
    page.get_by_label("Prompt").fill("A watercolor painting")
    page.get_by_role("button", name="Transform").click()
    page.wait_for_function(
        f"() => document.querySelectorAll({served!r}).length > {before}", timeout=120_000
    )


def bench_calls() -> list[tuple[str, tuple, dict]]:
    from PIL import Image

    calls = []
    for side, strength, steps in ((512, 0.5, 4), (768, 1.0, 4), (768, 1.0, 20), (768, 1.0, 50)):
        image = Image.new("RGB", (side, side), (120, 160, 200))
        calls.append(
            (
                f"{side}x{side}, strength {strength}, {steps} steps",
                (image, "A watercolor painting", strength, steps, 0.0, 1),
                {"width": side, "height": side, "strength": strength, "steps": steps},
            )
        )
    return calls
