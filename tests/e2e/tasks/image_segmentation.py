"""image-segmentation: a SegFormer with its image processor; /segment returns an
AnnotatedImage (the picture, and one mask per labelled region)."""

import hashlib
from pathlib import Path

from ._images import (
    concurrent_picture,
    decoded,
    megapixel_bench_calls,
    picture_file,
    upload,
)

HANDLER = "segment"
SIZES = {
    # CPU tests: two encoder blocks of width 8 and 16 on 32x32 pictures, 4 classes.
    "tiny": dict(
        model=dict(
            num_encoder_blocks=2,
            depths=[1, 1],
            sr_ratios=[2, 1],
            hidden_sizes=[8, 16],
            patch_sizes=[7, 3],
            strides=[4, 2],
            num_attention_heads=[1, 1],
            mlp_ratios=[2, 2],
            decoder_hidden_size=16,
        ),
        labels=4,
        side=32,
    ),
    # GPU benchmark: nvidia/segformer-b0-finetuned-ade-512-512's shape (MiT-b0, about
    # 3.75M parameters, ADE20k's 150 classes, 512x512 input).
    "bench": dict(
        model=dict(
            num_encoder_blocks=4,
            depths=[2, 2, 2, 2],
            sr_ratios=[8, 4, 2, 1],
            hidden_sizes=[32, 64, 160, 256],
            patch_sizes=[7, 3, 3, 3],
            strides=[4, 2, 2, 2],
            num_attention_heads=[1, 2, 5, 8],
            mlp_ratios=[4, 4, 4, 4],
            decoder_hidden_size=256,
        ),
        labels=150,
        side=512,
    ),
}


def config(scale: str):
    from transformers import SegformerConfig

    size = SIZES[scale]
    labels = {i: f"region_{i}" for i in range(size["labels"])}
    return SegformerConfig(
        **size["model"], id2label=labels, label2id={label: i for i, label in labels.items()}
    )


def build_model(dest: Path, scale: str = "tiny") -> None:
    import torch
    from transformers import SegformerForSemanticSegmentation, SegformerImageProcessor

    torch.manual_seed(0)
    SegformerForSemanticSegmentation(config(scale)).save_pretrained(dest)
    side = SIZES[scale]["side"]
    SegformerImageProcessor(size={"height": side, "width": side}).save_pretrained(dest)


def _alpha(path):
    """A region's mask as Gradio drew it: its alpha channel, 0 outside the region."""
    import numpy as np
    from PIL import Image

    with Image.open(path) as mask:
        return np.asarray(mask.convert("RGBA"))[:, :, 3]


def check_endpoints(client, app_dir: Path) -> None:
    """A 64x48 PNG comes back with one mask of its size per region, the regions' labels
    distinct, every pixel in exactly one region; no image is refused."""
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    image = handle_file(str(picture_file(64, 48, folder=app_dir)))
    found = client.predict(image, api_name="/segment")
    assert isinstance(found, dict) and set(found) >= {"image", "annotations"}, found
    assert decoded(found["image"])[1:] == (64, 48)
    labels = [annotation["label"] for annotation in found["annotations"]]
    assert labels and len(set(labels)) == len(labels), found
    assert set(labels) <= {f"region_{i}" for i in range(4)}, labels
    covered = 0
    for annotation in found["annotations"]:
        assert decoded(annotation["image"]) == ("RGBA", 64, 48)
        covered = covered + (_alpha(annotation["image"]) > 0)
    assert covered.min() == covered.max() == 1, "semantic regions must tile the picture"
    try:
        client.predict(None, api_name="/segment")
    except AppError as error:
        assert "Upload an image first." in str(error), error
    else:
        raise AssertionError("no image was not refused")


def concurrent_call(client, index: int):
    from gradio_client import handle_file

    found = client.predict(handle_file(str(concurrent_picture(index))), api_name="/segment")
    regions = [
        (a["label"], hashlib.sha256(_alpha(a["image"]).tobytes()).hexdigest())
        for a in found["annotations"]
    ]
    files = list(dict.fromkeys([found["image"], *(a["image"] for a in found["annotations"])]))
    return (decoded(found["image"]), regions), files


def browse(page) -> None:
    upload(page, picture_file(320, 240))
    page.get_by_role("button", name="Segment").click()  # one GPU call per action (ZG602)
    page.locator("img.mask").first.wait_for(timeout=60_000)


def bench_calls() -> list[tuple[str, tuple, dict]]:
    """A 640x480 to a 12-megapixel picture."""
    return megapixel_bench_calls()
