#!/usr/bin/python3
"""Proves that contrastive4j's ResNets built from torchvision weights compute what torchvision computes.

Needs Debian's python3-torchvision (apt-get install -y python3-torchvision) and runs as /usr/bin/python3; no network,
no pip packages: the safetensors files are written by hand (8-byte little-endian header length, JSON header, raw
little-endian data).

  /usr/bin/python3 scripts/resnet_parity.py fixtures [DST]
      Regenerates the small committed fixtures (default DST: models/src/test/resources/weights): reduced-width networks
      in torchvision's naming, their weights (safetensors F16 / BF16 / F32, and torch.save zip + legacy files) and
      torchvision's pooled features for a fixed input; and three tiny torch.save files for the reader's tests.
      Deterministic (seeded): reruns are byte-identical except the legacy torch.save file (its storage keys are
      object ids).

  /usr/bin/python3 scripts/resnet_parity.py parity [WORK] [--models resnet18,resnet34,resnet50]
      Full-size torchvision resnet18/34/50 (weights=None, random weights with calibrated BatchNorm statistics),
      saved as safetensors, exported by `./c4j export --init-weights ... --input-shape 3,224,224`, run by
      `./c4j embed` (ONNX Runtime, with the model's ImageNet mean/std applied to pixels in [0, 1]) and compared with
      torchvision's pooled features of the same pixels. Prints max |ours - torch| and its ratio to max |torch|; fails
      above 1e-5 (scaled by max(1, max |torch|), the exporter's own measure).
"""
import copy
import json
import os
import struct
import subprocess
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
TOLERANCE = 1e-5


class ReducedResNet(ResNet):
    """torchvision's ResNet with base width w instead of 64 (same module names), and an optional CIFAR stem."""

    def __init__(self, block, layers, width, stem="imagenet", num_classes=10):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = width
        self.dilation = 1
        self.groups = 1
        self.base_width = 64  # Bottleneck width = planes * base_width / 64 = planes, as in resnet50
        if stem == "imagenet":
            self.conv1 = nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        else:
            self.conv1 = nn.Conv2d(3, width, kernel_size=3, stride=1, padding=1, bias=False)
            self.maxpool = nn.Identity()
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.layer1 = self._make_layer(block, width, layers[0])
        self.layer2 = self._make_layer(block, 2 * width, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 4 * width, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 8 * width, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(8 * width * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")


def features(model, x):
    """torchvision's forward up to the pooled, flattened features (what fc would see)."""
    x = model.maxpool(model.relu(model.bn1(model.conv1(x))))
    x = model.layer4(model.layer3(model.layer2(model.layer1(x))))
    return torch.flatten(model.avgpool(x), 1)


def randomise(model, calibration_shape, generator):
    """Non-trivial BatchNorm parameters and statistics (not torch's 0/1 defaults), numerically well-conditioned.

    The running mean is measured on random batches; the running variance is the measured second moment E[x^2]
    (variance + mean^2), not the variance. A random deep network maps every input to nearly the same features, so the
    measured variances are tiny next to the means and (x - mean) / std would amplify float32 rounding: torch's own
    float32 result then differs from its float64 one by 1e-5 to 4e-5 (scaled), and no two float32 implementations
    could agree to 1e-5. With the second moment the float32-vs-float64 difference is below 1.5e-6 and the outputs
    still differ between inputs.
    """
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            with torch.no_grad():
                m.weight.copy_(0.5 + torch.rand(m.weight.shape, generator=generator))
                m.bias.copy_(0.1 * torch.randn(m.bias.shape, generator=generator))
            m.reset_running_stats()
            m.momentum = None  # cumulative average over the calibration batches
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(calibration_shape, generator=generator))
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = 0.1
            with torch.no_grad():
                m.running_var.add_(m.running_mean ** 2)
    model.eval()


def conditioning(model, x):
    """max |float32 - float64| / max(1, max |float64|) of the pooled features: the float32 noise floor."""
    with torch.no_grad():
        y32 = features(model, x).double()
        y64 = features(copy.deepcopy(model).double(), x.double())
    return float((y32 - y64).abs().max() / max(1.0, float(y64.abs().max())))


def round_to(model, dtype):
    """Rounds every parameter and buffer to dtype (float16 / bfloat16) and back, so torch computes with the stored values."""
    if dtype is None:
        return
    with torch.no_grad():
        for t in list(model.parameters()) + [b for b in model.buffers() if b.is_floating_point()]:
            t.copy_(t.to(dtype).float())


def tensor_bytes(t, dtype):
    a = t.detach().contiguous()
    if dtype == "F32":
        return a.float().numpy().astype("<f4").tobytes()
    if dtype == "F16":
        return a.float().numpy().astype("<f2").tobytes()
    if dtype == "BF16":
        bits = a.to(torch.bfloat16).float().numpy().astype("<f4").view("<u4")
        return (bits >> 16).astype("<u2").tobytes()
    if dtype == "I64":
        return a.numpy().astype("<i8").tobytes()
    raise ValueError(dtype)


def write_safetensors(path, tensors, float_dtype="F32"):
    """tensors: name -> torch tensor. Floating tensors are stored as float_dtype, int64 ones as I64."""
    header = {"__metadata__": {"format": "pt", "written_by": "contrastive4j scripts/resnet_parity.py"}}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        dtype = float_dtype if t.is_floating_point() else "I64"
        data = tensor_bytes(t, dtype)
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def build(family, width, stem):
    block, layers = {"resnet18": (BasicBlock, [2, 2, 2, 2]), "resnet34": (BasicBlock, [3, 4, 6, 3]),
                     "resnet50": (Bottleneck, [3, 4, 6, 3])}[family]
    return ReducedResNet(block, layers, width, stem)


def fixtures(dst):
    os.makedirs(dst, exist_ok=True)
    specs = [
        # name, family, width, stem, stored dtype, input shape
        ("resnet18-w8-imagenet-f16", "resnet18", 8, "imagenet", "F16", (2, 3, 24, 24)),
        ("resnet50-w4-cifar-bf16", "resnet50", 4, "cifar", "BF16", (2, 3, 16, 16)),
        ("resnet34-w2-imagenet-f32", "resnet34", 2, "imagenet", "F32", (2, 3, 24, 24)),
        ("resnet18-w1-imagenet-torchsave", "resnet18", 1, "imagenet", "F32", (2, 3, 24, 24)),
    ]
    for seed, (name, family, width, stem, dtype, shape) in enumerate(specs):
        g = torch.Generator().manual_seed(1000 + seed)
        torch.manual_seed(1000 + seed)
        model = build(family, width, stem)
        randomise(model, (8,) + shape[1:], g)
        round_to(model, {"F16": torch.float16, "BF16": torch.bfloat16, "F32": None}[dtype])
        sd = model.state_dict()
        if name.endswith("torchsave"):
            torch.save(sd, os.path.join(dst, name + ".pth"))
            torch.save(sd, os.path.join(dst, name + "-legacy.pth"), _use_new_zipfile_serialization=False)
        else:
            write_safetensors(os.path.join(dst, name + ".safetensors"), sd, dtype)
        x = torch.randn(shape, generator=g)
        with torch.no_grad():
            y = features(model, x)
        write_safetensors(os.path.join(dst, name + ".expected.safetensors"), {"input": x, "embedding": y})
        print(f"{name}: {family} width {width} {stem} stem, {dtype}, {sum(t.numel() for t in sd.values())} values, "
              f"embedding {tuple(y.shape)}, max |y| {y.abs().max().item():.4g}, float32 vs float64 "
              f"{conditioning(model, x):.2g}")
    # torch.save files for the reader's own tests: a checkpoint dict around a state dict, a non-contiguous tensor,
    # a whole module (pickled classes and calls that a data-only reader must refuse without executing them).
    torch.manual_seed(5)
    torch.save({"epoch": 3, "arch": "toy", "state_dict": {"a": torch.arange(6.0).view(2, 3), "b": torch.tensor([1.5])},
                "best": 0.5}, os.path.join(dst, "checkpoint-dict.pth"))
    torch.save({"x": torch.arange(6.0).view(2, 3).t()}, os.path.join(dst, "noncontiguous.pth"))
    torch.save(nn.Linear(2, 2), os.path.join(dst, "module.pth"))
    total = sum(os.path.getsize(os.path.join(dst, f)) for f in os.listdir(dst))
    print(f"fixtures in {dst}: {total} bytes")


def parity(work, families):
    os.makedirs(work, exist_ok=True)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    c4j = os.path.join(root, "c4j")
    torch.manual_seed(7)
    g = torch.Generator().manual_seed(7)
    pixels = torch.rand((4, 3, 224, 224), generator=g)  # images in [0, 1]
    np.save(os.path.join(work, "pixels.npy"), pixels.numpy().astype("<f4"))
    normalised = (pixels - torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)) / torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    worst = 0.0
    for family in families:
        model = getattr(torchvision.models, family)(weights=None)
        randomise(model, (16, 3, 224, 224), g)
        weights = os.path.join(work, family + ".safetensors")
        write_safetensors(weights, model.state_dict(), "F32")
        with torch.no_grad():
            expected = features(model, normalised).numpy()
        print(f"{family}: torch float32 vs float64 {conditioning(model, normalised):.2g} (the float32 noise floor)")
        onnx = os.path.join(work, family + ".onnx")
        out = os.path.join(work, family + "-embedding.npy")
        run([c4j, "export", "--model", family, "--init-weights", weights, "--input-shape", "3,224,224", "--out", onnx])
        run([c4j, "embed", "--model", onnx, "--input", os.path.join(work, "pixels.npy"), "--output", out])
        ours = np.load(out)
        if ours.shape != expected.shape:
            sys.exit(f"{family}: ours {ours.shape}, torchvision {expected.shape}")
        diff = float(np.abs(ours.astype(np.float64) - expected).max())
        peak = float(np.abs(expected).max())
        scaled = diff / max(1.0, peak)
        worst = max(worst, scaled)
        print(f"{family}: embedding {expected.shape}, max |torch| {peak:.4g}, max |ours - torch| {diff:.3g}, "
              f"relative to max |torch| {diff / peak:.3g}, scaled by max(1, max |torch|) {scaled:.3g}")
    if worst > TOLERANCE:
        sys.exit(f"FAIL: {worst:.3g} > {TOLERANCE}")
    print(f"OK: every model within {TOLERANCE}")


def run(cmd):
    print("$ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or args[0] not in ("fixtures", "parity"):
        sys.exit(__doc__)
    if args[0] == "fixtures":
        fixtures(args[1] if len(args) > 1 else "models/src/test/resources/weights")
    else:
        families = ["resnet18", "resnet34", "resnet50"]
        rest = [a for a in args[1:]]
        if "--models" in rest:
            i = rest.index("--models")
            families = rest[i + 1].split(",")
            del rest[i:i + 2]
        parity(rest[0] if rest else "/tmp/c4j-resnet-parity", families)
