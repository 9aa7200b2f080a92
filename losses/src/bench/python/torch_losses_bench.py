#!/usr/bin/python3
"""PyTorch eager reference for the contrastive4j loss benchmark (LossBenchmark.java).

Same definitions as the Java losses and the golden file (view-major rows, normalisation inside, every row an anchor),
written as one would in PyTorch. Times forward + backward on M rows (two views of M/2 samples, 10 classes), D = 128,
float32, CPU, with the same intra-op thread count as DJL (2 by default).

    /usr/bin/python3 losses/src/bench/python/torch_losses_bench.py [--threads 2] [--rows 512 2048 4096]
"""
import argparse
import math
import time

import torch
import torch.nn.functional as F


def _pos_logsoftmax(logits, positives):
    m = logits.shape[0]
    eye = torch.eye(m, dtype=torch.bool)
    logp = torch.log_softmax(logits.masked_fill(eye, float("-inf")), dim=1)
    s = logp.masked_fill(~positives, 0).sum(1)
    return -(s / positives.sum(1).clamp(min=1)).mean()


def nt_xent(z, labels, views, tau=0.1):
    z = F.normalize(z, dim=1)
    m = z.shape[0]
    sample = torch.arange(m) % (m // views)
    pos = (sample[:, None] == sample[None, :]) & ~torch.eye(m, dtype=torch.bool)
    return _pos_logsoftmax(z @ z.T / tau, pos)


def supcon(z, labels, views, tau=0.1, base=0.1):
    z = F.normalize(z, dim=1)
    m = z.shape[0]
    y = labels.repeat(views)
    pos = (y[:, None] == y[None, :]) & ~torch.eye(m, dtype=torch.bool)
    return (tau / base) * _pos_logsoftmax(z @ z.T / tau, pos)


def sincere(z, labels, views, tau=0.1):
    z = F.normalize(z, dim=1)
    m = z.shape[0]
    y = labels.repeat(views)
    same = y[:, None] == y[None, :]
    pos = same & ~torch.eye(m, dtype=torch.bool)
    logits = z @ z.T / tau
    lse_neg = torch.logsumexp(logits.masked_fill(same, float("-inf")), dim=1, keepdim=True)
    per_pair = F.softplus(lse_neg - logits)
    return ((per_pair * pos).sum(1) / pos.sum(1).clamp(min=1)).mean()


def dystress(z, labels, views, tau_min=0.07, tau_max=0.2):
    z = F.normalize(z, dim=1)
    m = z.shape[0]
    s = z @ z.T
    with torch.no_grad():
        tau = tau_min + 0.5 * (tau_max - tau_min) * (1 + torch.cos(math.pi * (1 + s)))
    sample = torch.arange(m) % (m // views)
    pos = (sample[:, None] == sample[None, :]) & ~torch.eye(m, dtype=torch.bool)
    return _pos_logsoftmax(s / tau, pos)


def cacr(z, labels, views, alpha=1.0, beta=1.0, tau_pos=1.0, tau_neg=0.9):
    z = F.normalize(z, dim=1)
    n = z.shape[0] // views
    zv = z.reshape(views, n, -1)
    eye_v = torch.eye(views, dtype=torch.bool)[:, :, None]
    d_att = ((zv[:, None] - zv[None, :]) ** 2).sum(-1)  # [V, V, N]
    w = torch.softmax((tau_pos * d_att).masked_fill(eye_v, float("-inf")), dim=1)
    ca = alpha * (w * d_att).sum() / (views * n)
    eye_n = torch.eye(n, dtype=torch.bool)
    cr, pairs = 0.0, 0
    for x in range(views):
        for y in range(x + 1, views):
            d = torch.cdist(zv[x], zv[y]) ** 2
            w = torch.softmax((-tau_neg * d).masked_fill(eye_n, float("-inf")), dim=1)
            cr = cr + (-beta * w * d).sum() / n
            pairs += 1
    return ca + cr / pairs


def mio(z, labels, views, tau_pos=0.5, tau_neg=0.5, lam=1.0):
    z = F.normalize(z, dim=1)
    m = z.shape[0]
    n = m // 2
    s = z @ z.T
    pos = torch.cat([torch.diagonal(s, n), torch.diagonal(s, -n)])
    sample = torch.arange(m) % n
    neg = sample[:, None] != sample[None, :]
    loss_pos = F.softplus(-pos / tau_pos).mean()
    loss_neg = (F.softplus(s / tau_neg) * neg).sum() / (m * (m - 2))
    l2 = ((z[:n] - z[n:]) ** 2).sum() / (n * z.shape[1])
    return loss_pos + loss_neg + lam * l2


LOSSES = {"nt_xent": nt_xent, "supcon": supcon, "sincere": sincere, "cacr": cacr, "mio": mio, "dystress": dystress}


def bench(fn, rows, dim=128, classes=10, warmup_s=2.0, measure_s=3.0):
    g = torch.Generator().manual_seed(1)
    x = torch.randn(rows, dim, generator=g, requires_grad=True)
    labels = torch.randint(0, classes, (rows // 2,), generator=g)

    def step():
        x.grad = None
        fn(x, labels, 2).backward()

    end = time.perf_counter() + warmup_s
    while time.perf_counter() < end:
        step()
    times, start = [], time.perf_counter()
    while time.perf_counter() - start < measure_s or len(times) < 3:
        t = time.perf_counter()
        step()
        times.append((time.perf_counter() - t) * 1e3)
    times.sort()
    # Median and mean: the median resists the other processes of a shared machine (compare with JMH's p0.50).
    return times[len(times) // 2], sum(times) / len(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rows", type=int, nargs="+", default=[512, 2048, 4096])
    ap.add_argument("--losses", nargs="+", default=list(LOSSES))
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    print(f"torch {torch.__version__}, {a.threads} threads, float32, D=128, forward+backward ms/iter (median, mean)")
    for name in a.losses:
        for rows in a.rows:
            median, mean = bench(LOSSES[name], rows)
            print(f"{name:10s} M={rows:5d} {median:9.3f} {mean:9.3f}", flush=True)


if __name__ == "__main__":
    main()
