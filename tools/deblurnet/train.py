"""Fit DeblurNet to the pairs and export it to ONNX for OpenCV's dnn module.

``python -m tools.deblurnet.train DATA.npz --steps 3000 --out cardscan/imaging/data/deblur.onnx``
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from tools.deblurnet.model import DeblurNet

CROP = 96
HELD_OUT = 256  # pairs kept aside to report the loss on


def batches(x: np.ndarray, y: np.ndarray, size: int, rng: np.random.Generator):
    while True:
        idx = rng.integers(0, len(x), size)
        oy, ox = rng.integers(0, x.shape[-1] - CROP + 1, 2)
        xb = x[idx, :, oy : oy + CROP, ox : ox + CROP]
        yb = y[idx, oy : oy + CROP, ox : ox + CROP]
        flip = rng.random() < 0.5  # mirrored text is still text-like strokes
        if flip:
            xb, yb = xb[..., ::-1], yb[..., ::-1]
        yield (torch.from_numpy(np.ascontiguousarray(xb) / 255.0).float(),
               torch.from_numpy(np.ascontiguousarray(yb)[:, None] / 255.0).float())


def weighted_l1(got: torch.Tensor, want: torch.Tensor) -> torch.Tensor:
    """L1, four times as heavy within a few pixels of ink: the letters, not the blank ground."""
    near_ink = torch.nn.functional.max_pool2d((want < 0.7).float(), 7, stride=1, padding=3)
    return ((got - want).abs() * (1 + 3 * near_ink)).mean()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--out", default="cardscan/imaging/data/deblur.onnx")
    ap.add_argument("--seed", type=int, default=0)
    ns = ap.parse_args()
    torch.manual_seed(ns.seed)
    data = np.load(ns.data)
    x, y = data["x"], data["y"]
    rng = np.random.default_rng(ns.seed)
    order = rng.permutation(len(x))
    test, train = order[:HELD_OUT], order[HELD_OUT:]
    net = DeblurNet()
    opt = torch.optim.Adam(net.parameters(), lr=ns.lr)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=ns.lr, total_steps=ns.steps)
    tx = torch.from_numpy(x[test][:, :, :CROP, :CROP] / 255.0).float()
    ty = torch.from_numpy(y[test][:, None, :CROP, :CROP] / 255.0).float()
    start = time.time()
    for step, (xb, yb) in enumerate(batches(x[train], y[train], ns.batch, rng), 1):
        loss = weighted_l1(net(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 250 == 0 or step == ns.steps:
            with torch.no_grad():
                held = weighted_l1(net(tx), ty).item()
                base = weighted_l1(tx[:, 1:2], ty).item()
            print(f"step {step}: train {loss.item():.4f} held-out {held:.4f} (input {base:.4f}) "
                  f"{time.time() - start:.0f}s", flush=True)
        if step == ns.steps:
            break
    net.eval()
    torch.save(net.state_dict(), ns.out + ".pt")
    torch.onnx.export(net, torch.zeros(1, 2, 64, 64), ns.out, input_names=["card"],
                      output_names=["sharp"], opset_version=13, dynamo=False,
                      dynamic_axes={"card": {2: "h", 3: "w"}, "sharp": {2: "h", 3: "w"}})
    print(f"deblurnet: wrote {ns.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
