"""The narrator: a TTS model; takes go to the folder each request gives."""

import os

import numpy as np
import torch
from transformers import AutoModelForTextToWaveform, AutoProcessor

VOICES = {"default": "org/tts"}


class Narrator:
    def __init__(self, device: torch.device) -> None:
        self.processor = AutoProcessor.from_pretrained(VOICES["default"])
        self.model = AutoModelForTextToWaveform.from_pretrained(VOICES["default"]).to(device)
        self.device = device

    def render(self, text: str, speed: float) -> tuple[np.ndarray, int]:
        inputs = self.processor(text=text, return_tensors="pt").to(self.device)
        with torch.no_grad():
            wave = self.model.generate(**inputs)
        return wave.cpu().numpy().squeeze(), 16_000

    def save_take(self, line: str, folder: str) -> None:
        voice = VOICES.get(line, "default")
        path = os.path.join(folder, f"{voice}.npy")
        np.save(path, np.frombuffer(line.encode(), dtype=np.uint8))
