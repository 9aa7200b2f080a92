#!/usr/bin/env python3
"""Writes one /embed request body per line for wrk (embed.lua): {"images": ["<base64 PNG>"]} for the first 1,000
Fashion-MNIST test images of an IDX folder, as 8-bit gray PNGs built with zlib (standard library only).
Usage: make_bodies.py IDX_DIR OUT.txt"""
import base64, gzip, json, struct, sys, zlib

idx_dir, out = sys.argv[1], sys.argv[2]
raw = gzip.open(idx_dir + '/t10k-images-idx3-ubyte.gz').read()
n, h, w = struct.unpack('>III', raw[4:16])


def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)


def png(pixels):
    rows = b''.join(b'\x00' + pixels[y * w:(y + 1) * w] for y in range(h))
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 0, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(rows, 9)) + chunk(b'IEND', b''))


with open(out, 'w') as f:
    for i in range(min(n, 1000)):
        pixels = raw[16 + i * h * w:16 + (i + 1) * h * w]
        f.write(json.dumps({"images": [base64.b64encode(png(pixels)).decode()]}, separators=(',', ':')) + '\n')
