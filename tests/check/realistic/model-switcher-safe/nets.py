import torch
from torch import nn


class Refiner(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 3, padding=1)

    def run(self, unet, image) -> torch.Tensor:
        return self.conv(torch.as_tensor(image).float())
