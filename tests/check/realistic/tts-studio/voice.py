"""The narrator: a TTS model and the takes it keeps on disk."""

import os

import numpy as np
import torch
from transformers import AutoModelForTextToWaveform, AutoProcessor

SETTINGS = {"voice": "default"}


class Narrator:
    def __init__(self, device: torch.device) -> None:
        self.processor = AutoProcessor.from_pretrained("org/tts")
        self.model = AutoModelForTextToWaveform.from_pretrained("org/tts").to(device)
        self.savedir = "takes"
        self.device = device

    def render(self, text: str, speed: float) -> tuple[np.ndarray, int]:
        inputs = self.processor(text=text, return_tensors="pt").to(self.device)
        with torch.no_grad():
            wave = self.model.generate(**inputs)
        return wave.cpu().numpy().squeeze(), 16_000

    def save_take(self, line: str, sample: str) -> None:
        SETTINGS["voice"] = sample  # expect: ZG501
        path = os.path.join(self.savedir, "sample.npy")
        np.save(path, np.frombuffer(line.encode(), dtype=np.uint8))  # expect: ZG502
