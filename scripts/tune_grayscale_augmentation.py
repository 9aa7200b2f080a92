"""Reference experiment behind the `grayscale-default` augmentation preset (not used at run time).

small-cnn (as in ../shared/bench/torch_ref_train.py) + SINCERE or SupCon (t=0.1) on full Fashion-MNIST, B=256, two
views, SGD momentum 0.9 with one-cycle cosine LR 0.05, wd 5e-4; reports test 1-NN accuracy (cosine, backbone
features vs the training set). The augmentations re-implement org.contrastive4j.trainer.data on the GPU with one
grid_sample (translate -> random resized crop with torchvision's window algorithm, bilinear half-pixel -> flip ->
Gaussian noise -> normalise).

Usage: C4J_FMNIST=/usr/share/datasets/fashion-mnist python3 scripts/tune_grayscale_augmentation.py EPOCHS CFG[,CFG] LOSS[,LOSS]
Measured on one H100 (15 epochs unless noted; cuDNN run-to-run spread about +-0.002):
  sincere: none 0.917/0.918, flip 0.914, flip-noise 0.913, flip-crop0.85 0.913, flip-t2 0.910, flip-t1 0.908,
           light 0.909, crop0.85 0.903, no-crop 0.905, strong 0.902, crop0.5 0.901;  30 epochs: none 0.915, light 0.920
  supcon:  none 0.912, light 0.911, strong 0.897
=> grayscale-default = light (crop 0.85-1, flip, noise 0.01); grayscale-strong = translate 2 + crop 0.7-1 + flip + noise 0.02."""
import gzip, math, sys, time, json, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
dev = 'cuda' if torch.cuda.is_available() else 'cpu'; torch.backends.cudnn.benchmark = True
def idx(p):
    b = gzip.open(p).read(); nd = b[3]; dims = [int.from_bytes(b[4+4*i:8+4*i], 'big') for i in range(nd)]
    return np.frombuffer(b, np.uint8, offset=4+4*nd).reshape(dims)
import os
d = os.environ.get('C4J_FMNIST', '/usr/share/datasets/fashion-mnist') + '/'
Xtr = torch.tensor(idx(d+'train-images-idx3-ubyte.gz'), dtype=torch.float32, device=dev).div_(255).unsqueeze(1)
Ytr = torch.tensor(idx(d+'train-labels-idx1-ubyte.gz').astype(np.int64), device=dev)
Xte = torch.tensor(idx(d+'t10k-images-idx3-ubyte.gz'), dtype=torch.float32, device=dev).div_(255).unsqueeze(1)
Yte = torch.tensor(idx(d+'t10k-labels-idx1-ubyte.gz').astype(np.int64), device=dev)
MEAN, STD = 0.2860, 0.3530

def windows(n, H, W, smin, smax, rmin, rmax, g):
    area = H*W
    top = np.zeros(n, int); left = np.zeros(n, int); ch = np.full(n, H); cw = np.full(n, W); done = np.zeros(n, bool)
    for _ in range(10):
        t = area * g.uniform(smin, smax, n); r = np.exp(g.uniform(math.log(rmin), math.log(rmax), n))
        w = np.rint(np.sqrt(t*r)).astype(int); h = np.rint(np.sqrt(t/r)).astype(int)
        ok = (~done) & (w > 0) & (w <= W) & (h > 0) & (h <= H)
        i = (g.random(n) * (H - h + 1)).astype(int); j = (g.random(n) * (W - w + 1)).astype(int)
        top[ok] = i[ok]; left[ok] = j[ok]; ch[ok] = h[ok]; cw[ok] = w[ok]; done |= ok
    return top, left, ch, cw

def augment(x, cfg, g):
    n, _, H, W = x.shape
    tr = cfg.get('translate', 0)
    dy = g.integers(-tr, tr+1, n) if tr else np.zeros(n, int); dx = g.integers(-tr, tr+1, n) if tr else np.zeros(n, int)
    if 'crop' in cfg:
        top, left, ch, cw = windows(n, H, W, cfg['crop'][0], cfg['crop'][1], 3/4, 4/3, g)
    else:
        top, left, ch, cw = np.zeros(n), np.zeros(n), np.full(n, H), np.full(n, W)
    flip = g.random(n) < cfg.get('flip', 0)
    T = lambda a: torch.tensor(np.asarray(a, np.float32), device=dev)[:, None]
    j = torch.arange(W, device=dev, dtype=torch.float32)[None]; i = torch.arange(H, device=dev, dtype=torch.float32)[None]
    jj = torch.where(T(flip) > 0, W - 1 - j, j)
    xs = T(left) + (jj + 0.5) * T(cw) / W - 0.5 - T(dx)
    ys = T(top) + (i + 0.5) * T(ch) / H - 0.5 - T(dy)
    gx = (2 * xs + 1) / W - 1; gy = (2 * ys + 1) / H - 1
    grid = torch.stack([gx[:, None, :].expand(n, H, W), gy[:, :, None].expand(n, H, W)], -1)
    out = F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=False)
    if cfg.get('noise', 0):
        out = (out + cfg['noise'] * torch.randn_like(out)).clamp_(0, 1)
    return (out - MEAN) / STD

class Enc(nn.Module):
    def __init__(s):
        super().__init__()
        s.f = nn.Sequential(nn.Conv2d(1,32,3,padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(32,64,3,padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
                            nn.Conv2d(64,128,3,padding=1), nn.BatchNorm2d(128), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        s.h = nn.Sequential(nn.Linear(128,128), nn.ReLU(), nn.Linear(128,64))
    def forward(s,x): return F.normalize(s.h(s.f(x)), dim=1)

def sincere(z, y, t=0.1):
    s = z @ z.T / t; n = z.shape[0]; eye = torch.eye(n, dtype=torch.bool, device=z.device)
    same = (y[:, None] == y[None, :]) & ~eye
    noise = torch.logsumexp(s.masked_fill(same | eye, float('-inf')), 1, keepdim=True)
    per = torch.logaddexp(s, noise) - s
    return ((per * same).sum(1) / same.sum(1).clamp(min=1)).mean()

def supcon(z, y, t=0.1):
    s = z @ z.T / t; n = z.shape[0]; eye = torch.eye(n, dtype=torch.bool, device=z.device)
    same = (y[:, None] == y[None, :]) & ~eye
    logp = s - torch.logsumexp(s.masked_fill(eye, float('-inf')), 1, keepdim=True)
    return -((logp * same).sum(1) / same.sum(1).clamp(min=1)).mean()

@torch.no_grad()
def evaluate(m):
    m.eval()
    f = lambda X: torch.cat([F.normalize(m.f((X[k:k+4096]-MEAN)/STD), dim=1) for k in range(0, len(X), 4096)])
    a, b = f(Xtr), f(Xte)
    nn1 = (Ytr[(b @ a.T).argmax(1)] == Yte).float().mean().item()
    m.train(); return nn1

def run(name, cfg, lossname, epochs, B=256, seed=0):
    torch.manual_seed(seed); g = np.random.default_rng(seed)
    m = Enc().to(dev); steps = len(Xtr) // B
    opt = torch.optim.SGD(m.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05, total_steps=epochs*steps, pct_start=0.05, anneal_strategy='cos')
    lf = sincere if lossname == 'sincere' else supcon
    t0 = time.time()
    for e in range(epochs):
        perm = torch.randperm(len(Xtr), device=dev)
        for s in range(steps):
            idx_ = perm[s*B:(s+1)*B]; x = Xtr[idx_]; y = Ytr[idx_]
            v = torch.cat([augment(x, cfg, g), augment(x, cfg, g)])
            loss = lf(m(v), torch.cat([y, y])); opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); sched.step()
    acc = evaluate(m)
    print(json.dumps({'cfg': name, 'loss': lossname, 'epochs': epochs, 'nn1': round(acc, 4), 'sec': round(time.time()-t0, 1)}), flush=True)

configs = {
  'none': {},
  'strong': {'translate': 2, 'crop': (0.7, 1.0), 'flip': 0.5, 'noise': 0.02},
  'no-crop': {'translate': 2, 'flip': 0.5, 'noise': 0.02},
  'crop0.5': {'translate': 2, 'crop': (0.5, 1.0), 'flip': 0.5, 'noise': 0.02},
  'crop0.85': {'translate': 2, 'crop': (0.85, 1.0), 'flip': 0.5, 'noise': 0.02},
  'flip': {'flip': 0.5},
  'light': {'crop': (0.85, 1.0), 'flip': 0.5, 'noise': 0.01},
  'flip-t1': {'translate': 1, 'flip': 0.5},
  'flip-t2': {'translate': 2, 'flip': 0.5},
  'flip-noise': {'flip': 0.5, 'noise': 0.02},
  'flip-crop0.85': {'crop': (0.85, 1.0), 'flip': 0.5},
  'flip-t1-crop0.85': {'translate': 1, 'crop': (0.85, 1.0), 'flip': 0.5},
}
epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
names = sys.argv[2].split(',') if len(sys.argv) > 2 else list(configs)
losses = sys.argv[3].split(',') if len(sys.argv) > 3 else ['sincere', 'supcon']
for lossname in losses:
    for n in names:
        run(n, configs[n], lossname, epochs)
