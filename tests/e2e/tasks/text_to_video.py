"""text-to-video: a tiny TextToVideoSDPipeline (UNet3D, SD VAE, CLIP text); /generate
returns an MP4 file."""

import hashlib
from pathlib import Path

from ._tokens import byte_level_vocab

HANDLER = "generate"
SPECIALS = ["<|startoftext|>", "<|endoftext|>"]
SIZES = {
    # CPU tests: a UNet3D and VAE of widths 8 and 16 on 16x16 latents (32x32 frames),
    # a CLIP tokenizer of single characters.
    "tiny": dict(
        unet=dict(
            block_out_channels=(8, 16),
            layers_per_block=1,
            sample_size=16,
            cross_attention_dim=32,
            attention_head_dim=4,
            norm_num_groups=4,
            down_block_types=("CrossAttnDownBlock3D", "DownBlock3D"),
            up_block_types=("UpBlock3D", "CrossAttnUpBlock3D"),
        ),
        vae=dict(block_out_channels=(8, 16), layers_per_block=1, norm_num_groups=4, sample_size=32),
        text=dict(hidden_size=32, intermediate_size=37, num_hidden_layers=2, num_attention_heads=4),
        vocab_size=None,
    ),
    # GPU benchmark: the shape of text-to-video-ms-1.7b (ModelScope): UNet3D ~1.41B on
    # 32x32 latents (256x256 frames), SD VAE ~84M, OpenCLIP-H text encoder ~340M with
    # CLIP's 49408 tokens: about 1.83B parameters.
    "bench": dict(
        unet=dict(
            block_out_channels=(320, 640, 1280, 1280),
            layers_per_block=2,
            sample_size=32,
            cross_attention_dim=1024,
            attention_head_dim=64,
            norm_num_groups=32,
            down_block_types=(
                "CrossAttnDownBlock3D",
                "CrossAttnDownBlock3D",
                "CrossAttnDownBlock3D",
                "DownBlock3D",
            ),
            up_block_types=(
                "UpBlock3D",
                "CrossAttnUpBlock3D",
                "CrossAttnUpBlock3D",
                "CrossAttnUpBlock3D",
            ),
        ),
        vae=dict(
            block_out_channels=(128, 256, 512, 512),
            layers_per_block=2,
            norm_num_groups=32,
            sample_size=256,
        ),
        text=dict(
            hidden_size=1024,
            intermediate_size=4096,
            num_hidden_layers=23,
            num_attention_heads=16,
            hidden_act="gelu",
        ),
        vocab_size=49_408,
    ),
}
MAX_FRAMES = 32
MAX_STEPS = 50


def tokenizer_vocab(vocab_size: int | None) -> dict[str, int]:
    """None: single characters (and their end-of-word forms); else a byte-level CLIP
    vocabulary padded with filler words to `vocab_size` tokens."""
    if vocab_size is None:
        chars = [chr(c) for c in range(33, 127)]
        pieces = [*SPECIALS, *chars, *(f"{c}</w>" for c in chars)]
        return {piece: index for index, piece in enumerate(pieces)}
    vocab = byte_level_vocab(SPECIALS, suffix="</w>")
    # Each filler word adds one token (its "</w>" form).
    return byte_level_vocab(SPECIALS, extra_words=vocab_size - len(vocab), suffix="</w>")


def build_model(dest: Path, scale: str = "tiny") -> None:
    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, TextToVideoSDPipeline, UNet3DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    size = SIZES[scale]
    torch.manual_seed(0)
    tokenizer = CLIPTokenizer(
        vocab=tokenizer_vocab(size["vocab_size"]), merges=[], model_max_length=77
    )
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            vocab_size=len(tokenizer),
            max_position_embeddings=77,
            bos_token_id=0,
            eos_token_id=1,
            pad_token_id=1,
            projection_dim=size["text"]["hidden_size"],
            **size["text"],
        )
    )
    unet = UNet3DConditionModel(in_channels=4, out_channels=4, **size["unet"])
    n_down = len(size["vae"]["block_out_channels"])
    vae = AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * n_down,
        up_block_types=("UpDecoderBlock2D",) * n_down,
        latent_channels=4,
        **size["vae"],
    )
    scheduler = DDIMScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        clip_sample=False,
        set_alpha_to_one=False,
    )
    TextToVideoSDPipeline(
        vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet, scheduler=scheduler
    ).save_pretrained(dest)


def _video_path(output) -> str:
    """gradio_client gives a gr.Video output as {"video": path, "subtitles": ...}."""
    return output["video"] if isinstance(output, dict) else output


def frames(path) -> "list":
    """The decoded frames of an MP4 file (numpy arrays, height x width x 3)."""
    import imageio.v3 as iio

    path = Path(path)
    assert path.is_file(), f"no video file at {path}"
    assert path.suffix == ".mp4" and path.read_bytes()[4:8] == b"ftyp", f"not an MP4: {path}"
    return list(iio.imiter(path, plugin="FFMPEG"))


def check_endpoints(client, app_dir: Path) -> None:
    """8 and 16 frames come back as MP4 files of that many 32x32 frames; a blank prompt
    is refused with the app's message."""
    import pytest
    from gradio_client.exceptions import AppError

    for count in (8, 16):
        output = client.predict("A fox in the snow", count, 2, 1, api_name="/generate")
        decoded = frames(_video_path(output))
        assert len(decoded) == count, f"{len(decoded)} frames, asked for {count}"
        assert decoded[0].shape[:2] == (32, 32) and decoded[0].shape[2] == 3
    with pytest.raises(AppError) as refused:
        client.predict("   ", 8, 2, 1, api_name="/generate")
    assert str(refused.value) == "Describe the clip to generate."


def concurrent_call(client, index: int):
    path = _video_path(
        client.predict(f"A tiny robot number {index}", 8, 2, index, api_name="/generate")
    )
    digest = hashlib.sha256(b"".join(frame.tobytes() for frame in frames(path))).hexdigest()
    return digest, [path]


def browse(page) -> None:
    page.get_by_label("Prompt").fill("A panda surfing a wave")
    page.get_by_role("button", name="Generate").click()
    page.locator("video").first.wait_for(timeout=180_000)


def bench_calls() -> list[tuple[str, tuple, dict]]:
    calls = []
    for count, steps in ((8, 10), (16, 25), (MAX_FRAMES, 25), (MAX_FRAMES, MAX_STEPS)):
        calls.append(
            (
                f"{count} frames, {steps} steps",
                ("A panda surfing a wave", count, steps, 1),
                {"frames": count, "steps": steps},
            )
        )
    return calls
