"""Loading checkpoints for the switcher, once at start-up."""

import torch
from diffusers import DiffusionPipeline


def load_pipeline(name: str) -> DiffusionPipeline:
    return DiffusionPipeline.from_pretrained(name, torch_dtype=torch.float16)
