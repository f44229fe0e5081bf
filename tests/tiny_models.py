"""Tiny random models for each task's generated app, built from configs (no Hub access).

`build(task, dest)` saves a model (and its tokenizer or processor) under `dest` and
returns the environment variables that point the generated app.py at it
(`MODEL_ID`, and `ADAPTER_ID` for chat-lora). A task type with an e2e module
(tests/e2e/tasks/) is built by that module's `build_model(dest, "tiny")`. Weights
are random: the apps' outputs are checked for type and shape, never for meaning.
Everything here is a few hundred thousand parameters at most, so a CPU builds and
runs it in seconds.
"""

from collections.abc import Callable
from pathlib import Path


def e2e_model(task: str, dest: Path) -> dict[str, str]:
    """The task's e2e module builds its tiny model (tests/e2e/tasks/); return its app env."""
    from e2e.tasks import load, model_env

    load(task).build_model(dest, "tiny")
    return model_env(task, dest)


def seeded() -> None:
    import torch

    torch.manual_seed(0)


def clip_tokenizer(dest: Path):
    """A CLIP BPE tokenizer whose vocabulary is single characters (no merges)."""
    from transformers import CLIPTokenizer

    specials = ["<|startoftext|>", "<|endoftext|>"]
    chars = [chr(c) for c in range(33, 127)]
    pieces = [*specials, *chars, *(f"{c}</w>" for c in chars)]
    vocab = {piece: index for index, piece in enumerate(pieces)}
    tokenizer = CLIPTokenizer(vocab=vocab, merges=[], model_max_length=77)
    tokenizer.save_pretrained(dest)
    return tokenizer


def clip_text_encoder(dest: Path):
    from transformers import CLIPTextConfig, CLIPTextModel

    tokenizer = clip_tokenizer(dest / "tokenizer")
    config = CLIPTextConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=37,
        num_hidden_layers=2,
        num_attention_heads=4,
        max_position_embeddings=77,
        bos_token_id=0,
        eos_token_id=1,
        pad_token_id=1,
        projection_dim=32,
    )
    return tokenizer, CLIPTextModel(config)


def image_to_image(dest: Path) -> dict[str, str]:
    from diffusers import (
        AutoencoderKL,
        EulerDiscreteScheduler,
        StableDiffusionPipeline,
        UNet2DConditionModel,
    )

    seeded()
    tokenizer, text_encoder = clip_text_encoder(dest)
    unet = UNet2DConditionModel(
        block_out_channels=(8, 16),
        layers_per_block=1,
        sample_size=32,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
        attention_head_dim=4,
        norm_num_groups=4,
    )
    vae = AutoencoderKL(
        block_out_channels=(8, 16),
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        latent_channels=4,
        norm_num_groups=4,
        sample_size=64,
    )
    scheduler = EulerDiscreteScheduler(
        beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", steps_offset=1
    )
    StableDiffusionPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    ).save_pretrained(dest)
    return {"MODEL_ID": str(dest)}


def text_to_speech(dest: Path) -> dict[str, str]:
    return e2e_model("text-to-speech", dest)


def audio_classification(dest: Path) -> dict[str, str]:
    return e2e_model("audio-classification", dest)


def text_to_video(dest: Path) -> dict[str, str]:
    from diffusers import AutoencoderKL, DDIMScheduler, TextToVideoSDPipeline, UNet3DConditionModel

    seeded()
    tokenizer, text_encoder = clip_text_encoder(dest)
    unet = UNet3DConditionModel(
        block_out_channels=(8, 16),
        layers_per_block=1,
        sample_size=16,
        in_channels=4,
        out_channels=4,
        down_block_types=("CrossAttnDownBlock3D", "DownBlock3D"),
        up_block_types=("UpBlock3D", "CrossAttnUpBlock3D"),
        cross_attention_dim=32,
        attention_head_dim=4,
        norm_num_groups=4,
    )
    vae = AutoencoderKL(
        block_out_channels=(8, 16),
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        latent_channels=4,
        norm_num_groups=4,
        sample_size=32,
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
    return {"MODEL_ID": str(dest)}


def feature_extraction(dest: Path) -> dict[str, str]:
    return e2e_model("feature-extraction", dest)


def zero_shot_classification(dest: Path) -> dict[str, str]:
    return e2e_model("zero-shot-classification", dest)


def chat_lora(dest: Path) -> dict[str, str]:
    return e2e_model("chat-lora", dest)


BUILDERS: dict[str, Callable[[Path], dict[str, str]]] = {
    "image-to-image": image_to_image,
    "text-to-speech": text_to_speech,
    "audio-classification": audio_classification,
    "text-to-video": text_to_video,
    "feature-extraction": feature_extraction,
    "chat-lora": chat_lora,
    "zero-shot-classification": zero_shot_classification,
}


def build(task: str, dest: Path) -> dict[str, str]:
    """Save a tiny model for `task` under `dest`; return the app's environment overrides."""
    dest.mkdir(parents=True, exist_ok=True)
    return BUILDERS[task](dest)
