#!/usr/bin/env python3
"""Rebuilds data/fashion-mnist-subset from Debian's dataset-fashion-mnist.

Takes, for each class, the first PER_CLASS images in file order (train: 200, test: 100), keeps file order,
and writes IDX gz files with the same headers. Deterministic: rerunning gives byte-identical images/labels.
Usage: python3 scripts/make_subset.py [SRC=/usr/share/datasets/fashion-mnist] [DST=data/fashion-mnist-subset]
"""
import gzip, struct, sys, os

src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
dst = sys.argv[2] if len(sys.argv) > 2 else "data/fashion-mnist-subset"

def read(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return dims, data[4 + 4 * ndim:]

def write(path, dims, payload):
    header = struct.pack(">I", 0x0800 | len(dims)) + struct.pack(">" + "I" * len(dims), *dims)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(header + payload)

os.makedirs(dst, exist_ok=True)
for split, per_class in (("train", 200), ("t10k", 100)):
    idims, images = read(f"{src}/{split}-images-idx3-ubyte.gz")
    _, labels = read(f"{src}/{split}-labels-idx1-ubyte.gz")
    size = idims[1] * idims[2]
    counts, keep = [0] * 10, []
    for i, y in enumerate(labels):
        if counts[y] < per_class:
            counts[y] += 1
            keep.append(i)
    write(f"{dst}/{split}-images-idx3-ubyte.gz", (len(keep), idims[1], idims[2]),
          b"".join(images[i * size:(i + 1) * size] for i in keep))
    write(f"{dst}/{split}-labels-idx1-ubyte.gz", (len(keep),), bytes(labels[i] for i in keep))
    print(split, len(keep), counts)
