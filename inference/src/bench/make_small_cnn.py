#!/usr/bin/env python3
"""Exports the benchmark model: a randomly initialised `small-cnn` with contrastive4j's interface.

[1, 28, 28] -> conv32-bn-relu-pool -> conv64-bn-relu-pool -> conv128-bn-relu -> global average pool -> 128 `embedding`.
Input `input` [batch, 1, 28, 28] (dynamic batch), opset 17, BatchNorm in inference mode (ORT folds it into the convs),
plus the c4j metadata keys the Embedder reads (input shape, Fashion-MNIST mean/std). Weights are random (seed 0):
speed does not depend on them. Usage: /usr/bin/python3 make_small_cnn.py OUT.onnx
"""
import json, sys
import onnx
import torch
from torch import nn

out = sys.argv[1] if len(sys.argv) > 1 else "small-cnn.onnx"
torch.manual_seed(0)


def block(cin, cout, pool):
    layers = [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
    return layers + ([nn.MaxPool2d(2)] if pool else [])


model = nn.Sequential(*block(1, 32, True), *block(32, 64, True), *block(64, 128, False),
                      nn.AdaptiveAvgPool2d(1), nn.Flatten())
for m in model.modules():  # non-trivial running statistics, as after training
    if isinstance(m, nn.BatchNorm2d):
        m.running_mean.uniform_(-0.1, 0.1)
        m.running_var.uniform_(0.5, 1.5)
model.eval()
torch.onnx.export(model, torch.randn(1, 1, 28, 28), out, input_names=["input"], output_names=["embedding"],
                  dynamic_axes={"input": {0: "batch"}, "embedding": {0: "batch"}}, opset_version=17)
m = onnx.load(out)
for k, v in {"c4j.format_version": "1", "c4j.input_shape": json.dumps([1, 28, 28]),
             "c4j.input_mean": json.dumps([0.2860]), "c4j.input_std": json.dumps([0.3530]),
             "c4j.embedding_dim": "128", "c4j.model_spec": json.dumps({"name": "small-cnn", "embedding_dim": 128})}.items():
    p = m.metadata_props.add()
    p.key, p.value = k, v
onnx.checker.check_model(m)
onnx.save(m, out)
print("wrote", out)
