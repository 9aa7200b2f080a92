#!/usr/bin/env python3
"""Generates the tiny ONNX models the inference tests use (committed next to this script).

  foreign.onnx  -- a "foreign" encoder: input `x` [N, 4] float, y = Relu(x @ W), W[i][j] = 0.1*(i+1) - 0.2*j,
                   output `y` [N, 3], no metadata (what a PyTorch user might hand us).
  fixed_batch.onnx -- the same with a fixed batch dimension of 2 ([2, 4] -> [2, 3]).
  toolkit.onnx  -- shaped like a contrastive4j export: input `input` [N, 1, 4, 4], outputs `embedding` [N, 2]
                   (Conv 3x3 pad 1 -> Relu -> GlobalAveragePool -> Flatten), `logits` [N, 3] (Gemm) and
                   `probabilities` (Softmax), with the c4j.* metadata keys (input shape, mean 0.5, std 0.25,
                   class names a/b/c).
  no_batch.onnx -- a defective foreign model: input `x` [N, 4], output `y` = ReduceMean(x, axis 0) of shape [4],
                   i.e. no batch dimension (its "embedding" width would depend on the batch size).
  nan.onnx      -- a foreign model that emits NaN for finite inputs: input `x` [N, 4], output `y` = Sqrt(x) [N, 4]
                   (NaN wherever x < 0).
Deterministic (fixed weights, no randomness). Usage: /usr/bin/python3 make_test_models.py [OUT_DIR]
"""
import json, os, sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
OPSET = [helper.make_opsetid("", 17)]


def save(model, name):
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, name))


# --- foreign: Relu(x @ W) ---
w = np.array([[0.1 * (i + 1) - 0.2 * j for j in range(3)] for i in range(4)], dtype=np.float32)
g = helper.make_graph(
    [helper.make_node("MatMul", ["x", "W"], ["xw"]), helper.make_node("Relu", ["xw"], ["y"])],
    "foreign",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])],
    [numpy_helper.from_array(w, "W")])
save(helper.make_model(g, opset_imports=OPSET, producer_name="c4j-test-foreign"), "foreign.onnx")

# --- the same function exported with a fixed batch of 2 (what torch.onnx.export gives without dynamic_axes) ---
g = helper.make_graph(
    [helper.make_node("MatMul", ["x", "W"], ["xw"]), helper.make_node("Relu", ["xw"], ["y"])],
    "fixed_batch",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])],
    [numpy_helper.from_array(w, "W")])
save(helper.make_model(g, opset_imports=OPSET, producer_name="c4j-test-foreign"), "fixed_batch.onnx")

# --- toolkit-shaped: conv encoder with a classifier head and metadata ---
conv_w = np.array([[[[0.1, -0.2, 0.3], [0.0, 0.5, -0.1], [0.2, 0.1, -0.3]]],
                   [[[-0.4, 0.2, 0.1], [0.3, -0.1, 0.2], [0.1, 0.4, 0.0]]]], dtype=np.float32)
conv_b = np.array([0.05, -0.02], dtype=np.float32)
head_w = np.array([[1.0, -0.5, 0.2], [-0.3, 0.8, 0.1]], dtype=np.float32)  # [2, 3]
head_b = np.array([0.0, 0.1, -0.1], dtype=np.float32)
nodes = [
    helper.make_node("Conv", ["input", "conv_w", "conv_b"], ["c"], pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c"], ["r"]),
    helper.make_node("GlobalAveragePool", ["r"], ["p"]),
    helper.make_node("Flatten", ["p"], ["embedding"], axis=1),
    helper.make_node("Gemm", ["embedding", "head_w", "head_b"], ["logits"]),
    helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
]
g = helper.make_graph(
    nodes, "toolkit",
    [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 1, 4, 4])],
    [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["N", 2]),
     helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 3]),
     helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 3])],
    [numpy_helper.from_array(a, n) for a, n in
     ((conv_w, "conv_w"), (conv_b, "conv_b"), (head_w, "head_w"), (head_b, "head_b"))])
m = helper.make_model(g, opset_imports=OPSET, producer_name="contrastive4j")
helper.set_model_props(m, {
    "c4j.format_version": "1",
    "c4j.input_shape": json.dumps([1, 4, 4]),
    "c4j.input_mean": json.dumps([0.5]),
    "c4j.input_std": json.dumps([0.25]),
    "c4j.class_names": json.dumps(["a", "b", "c"]),
    "c4j.embedding_dim": "2",
})
save(m, "toolkit.onnx")
# --- defective foreign models: an output without the batch dimension, and NaN outputs ---
g = helper.make_graph(
    [helper.make_node("ReduceMean", ["x"], ["y"], axes=[0], keepdims=0)],
    "no_batch",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])])
save(helper.make_model(g, opset_imports=OPSET, producer_name="c4j-test-foreign"), "no_batch.onnx")

g = helper.make_graph(
    [helper.make_node("Sqrt", ["x"], ["y"])],
    "nan",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])])
save(helper.make_model(g, opset_imports=OPSET, producer_name="c4j-test-foreign"), "nan.onnx")
print("wrote foreign.onnx, fixed_batch.onnx, toolkit.onnx, no_batch.onnx and nan.onnx to", out)
