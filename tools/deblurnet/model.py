"""The network: a small U-Net (two halvings) that predicts the sharp card as a correction to
the Wiener filter's restoration, seeing the blurred card too. About 26k multiply-adds per
pixel; its receptive field (~50 px) spans the longest smear trained on at the largest
upscaling."""

from __future__ import annotations

import torch
from torch import nn


def _conv(cin: int, cout: int, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, padding=dilation, dilation=dilation),
                         nn.ReLU(inplace=True))


class DeblurNet(nn.Module):
    def __init__(self, width: int = 16) -> None:
        super().__init__()
        w1, w2, w3 = width, 2 * width, 4 * width
        self.enc1 = nn.Sequential(_conv(2, w1), _conv(w1, w1))
        self.enc2 = nn.Sequential(_conv(w1, w2, stride=2), _conv(w2, w2))
        self.mid = nn.Sequential(_conv(w2, w3, stride=2), _conv(w3, w3), _conv(w3, w3, dilation=2))
        self.up2 = nn.Conv2d(w3, w2, 3, padding=1)
        self.dec2 = _conv(w2, w2)
        self.up1 = nn.Conv2d(w2, w1, 3, padding=1)
        self.dec1 = _conv(w1, w1)
        self.out = nn.Conv2d(w1, 1, 3, padding=1)
        self.upsample = nn.Upsample(scale_factor=2, mode="nearest")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (N, 2, H, W): the blurred card and its Wiener filtering, H and W multiples of 4,
        # values 0..1 (ground near 0.96); the result corrects the filtered card
        e1 = self.enc1(x)
        e2 = self.enc2(e1)
        m = self.mid(e2)
        d2 = self.dec2(torch.relu(self.up2(self.upsample(m)) + e2))
        d1 = self.dec1(torch.relu(self.up1(self.upsample(d2)) + e1))
        return x[:, 1:2] + self.out(d1)
