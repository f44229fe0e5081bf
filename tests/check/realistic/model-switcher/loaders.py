"""Loading checkpoints for the switcher."""

import functools

import torch
from diffusers import DiffusionPipeline, UNet2DConditionModel


def load_pipeline(name: str) -> DiffusionPipeline:
    return DiffusionPipeline.from_pretrained(name, torch_dtype=torch.float16)  # expect: ZG203


@functools.lru_cache(maxsize=2)
def load_unet(name: str) -> UNet2DConditionModel:
    return UNet2DConditionModel.from_pretrained(name, subfolder="unet")  # expect: ZG203
