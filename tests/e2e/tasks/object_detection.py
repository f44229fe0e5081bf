"""object-detection: a YOLOS detector with its image processor; /detect returns an
AnnotatedImage (the picture, and one box mask per object)."""

from pathlib import Path

from ._images import (
    concurrent_picture,
    decoded,
    megapixel_bench_calls,
    picture_file,
    upload,
)

HANDLER = "detect"
SIZES = {
    # CPU tests: one layer of width 32 on 32x32 pictures, 5 detection tokens, 4 classes.
    "tiny": dict(
        model=dict(
            image_size=[32, 32],
            patch_size=8,
            num_detection_tokens=5,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=37,
        ),
        labels=4,
        resize=dict(shortest_edge=32, longest_edge=64),
    ),
    # GPU benchmark: hustvl/yolos-tiny's shape (about 6.5M parameters, 100 detection
    # tokens, COCO's 91 class ids), fed 512-pixel pictures as its processor does.
    "bench": dict(
        model=dict(
            image_size=[800, 1333],
            patch_size=16,
            num_detection_tokens=100,
            hidden_size=192,
            num_hidden_layers=12,
            num_attention_heads=3,
            intermediate_size=768,
            use_mid_position_embeddings=False,
        ),
        labels=91,
        resize=dict(shortest_edge=512, longest_edge=1333),
    ),
}


def config(scale: str):
    from transformers import YolosConfig

    size = SIZES[scale]
    labels = {i: f"thing_{i}" for i in range(size["labels"])}
    return YolosConfig(
        **size["model"], id2label=labels, label2id={label: i for i, label in labels.items()}
    )


def build_model(dest: Path, scale: str = "tiny") -> None:
    import torch
    from transformers import YolosForObjectDetection, YolosImageProcessor

    torch.manual_seed(0)
    YolosForObjectDetection(config(scale)).save_pretrained(dest)
    YolosImageProcessor(size=SIZES[scale]["resize"]).save_pretrained(dest)


def _box(path) -> tuple[int, int, int, int]:
    """The (x1, y1, x2, y2) that a box annotation's mask covers."""
    import numpy as np
    from PIL import Image

    with Image.open(path) as mask:
        alpha = np.asarray(mask.convert("RGBA"))[:, :, 3]
    ys, xs = np.nonzero(alpha)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def check_endpoints(client, app_dir: Path) -> None:
    """A 64x48 PNG comes back with a box per detection token above a low threshold, each a
    mask of the picture's size inside it; a high threshold keeps none; no image is refused."""
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    image = handle_file(str(picture_file(64, 48, folder=app_dir)))
    found = client.predict(image, 0.05, api_name="/detect")
    assert isinstance(found, dict) and set(found) >= {"image", "annotations"}, found
    assert decoded(found["image"])[1:] == (64, 48)
    annotations = found["annotations"]
    assert 1 <= len(annotations) <= 5, found  # at most one per detection token
    for annotation in annotations:
        assert annotation["label"] in {f"thing_{i}" for i in range(4)}, annotation
        assert decoded(annotation["image"]) == ("RGBA", 64, 48)
        x1, y1, x2, y2 = _box(annotation["image"])
        assert 0 <= x1 < x2 <= 64 and 0 <= y1 < y2 <= 48, (x1, y1, x2, y2)
    assert client.predict(image, 0.95, api_name="/detect")["annotations"] == []
    try:
        client.predict(None, 0.5, api_name="/detect")
    except AppError as error:
        assert "Upload an image first." in str(error), error
    else:
        raise AssertionError("no image was not refused")


def concurrent_call(client, index: int):
    from gradio_client import handle_file

    found = client.predict(handle_file(str(concurrent_picture(index))), 0.05, api_name="/detect")
    boxes = [(a["label"], _box(a["image"])) for a in found["annotations"]]
    answer = (decoded(found["image"]), boxes)
    # Gradio names a file by its content: two identical boxes of one call share a file.
    files = list(dict.fromkeys([found["image"], *(a["image"] for a in found["annotations"])]))
    return answer, files


def browse(page) -> None:
    # A random model is never sure: lower the threshold so its boxes show.
    number = page.locator("input[type=number]").first
    number.fill("0.05")
    number.press("Enter")
    upload(page, picture_file(320, 240))
    page.get_by_role("button", name="Detect").click()  # one GPU call per action (ZG602)
    page.locator("img.mask").first.wait_for(timeout=60_000)


def bench_calls() -> list[tuple[str, tuple, dict]]:
    """A 640x480 to a 12-megapixel picture at the app's default threshold."""
    return megapixel_bench_calls(0.5)
