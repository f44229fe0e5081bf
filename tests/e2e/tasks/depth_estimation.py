"""depth-estimation: a Depth Anything (DINOv2 backbone) with its image processor;
/estimate_depth returns a grayscale PNG of the picture's size."""

from pathlib import Path

from ._images import (
    concurrent_picture,
    decoded,
    megapixel_bench_calls,
    picture_file,
    upload,
)

HANDLER = "estimate_depth"
SIZES = {
    # CPU tests: a 4-layer backbone of width 32 on 28x28 pictures.
    "tiny": dict(
        backbone=dict(
            image_size=28,
            patch_size=14,
            hidden_size=32,
            num_hidden_layers=4,
            num_attention_heads=2,
            intermediate_size=37,
            out_features=["stage1", "stage2", "stage3", "stage4"],
            reshape_hidden_states=False,
        ),
        head=dict(
            reassemble_hidden_size=32,
            patch_size=14,
            neck_hidden_sizes=[8, 16, 32, 64],
            fusion_hidden_size=16,
            head_hidden_size=8,
        ),
        side=28,
    ),
    # GPU benchmark: depth-anything/Depth-Anything-V2-Small-hf's shape (DINOv2-S backbone,
    # about 24.8M parameters, 518x518 input).
    "bench": dict(
        backbone=dict(
            image_size=518,
            patch_size=14,
            hidden_size=384,
            num_hidden_layers=12,
            num_attention_heads=6,
            mlp_ratio=4,
            out_features=["stage3", "stage6", "stage9", "stage12"],
            reshape_hidden_states=False,
        ),
        head=dict(
            reassemble_hidden_size=384,
            patch_size=14,
            neck_hidden_sizes=[48, 96, 192, 384],
            fusion_hidden_size=64,
            head_hidden_size=32,
        ),
        side=518,
    ),
}


def config(scale: str):
    from transformers import DepthAnythingConfig, Dinov2Config

    size = SIZES[scale]
    return DepthAnythingConfig(backbone_config=Dinov2Config(**size["backbone"]), **size["head"])


def build_model(dest: Path, scale: str = "tiny") -> None:
    import torch
    from transformers import DepthAnythingForDepthEstimation, DPTImageProcessor

    torch.manual_seed(0)
    DepthAnythingForDepthEstimation(config(scale)).save_pretrained(dest)
    side = SIZES[scale]["side"]
    DPTImageProcessor(
        size={"height": side, "width": side}, keep_aspect_ratio=True, ensure_multiple_of=14
    ).save_pretrained(dest)


def _pixels(path):
    import numpy as np
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image)


def check_endpoints(client, app_dir: Path) -> None:
    """A 64x48 PNG gets a grayscale PNG depth map of its size, not flat; no image is refused."""
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    path = client.predict(
        handle_file(str(picture_file(64, 48, folder=app_dir))), api_name="/estimate_depth"
    )
    assert str(path).endswith(".png"), f"not a PNG: {path}"
    assert decoded(path) == ("L", 64, 48)
    pixels = _pixels(path)
    assert pixels.max() > pixels.min(), "a flat image, not a depth map"
    try:
        client.predict(None, api_name="/estimate_depth")
    except AppError as error:
        assert "Upload an image first." in str(error), error
    else:
        raise AssertionError("no image was not refused")


def concurrent_call(client, index: int):
    from gradio_client import handle_file

    path = client.predict(handle_file(str(concurrent_picture(index))), api_name="/estimate_depth")
    pixels = _pixels(path)
    return (pixels.shape, pixels.tobytes()), [path]


def browse(page) -> None:
    upload(page, picture_file(320, 240))
    page.get_by_role("button", name="Estimate depth").click()  # one GPU call per action (ZG602)
    page.locator("img[src*='.png']").nth(1).wait_for(timeout=60_000)


def bench_calls() -> list[tuple[str, tuple, dict]]:
    """A 640x480 to a 12-megapixel picture."""
    return megapixel_bench_calls()
