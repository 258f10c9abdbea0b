#!/usr/bin/env python3
"""The same workloads as `graft bench`, in PyTorch (Debian's python3-torch), for side-by-side ratios.

Optional: Graft, its tests and CI never need PyTorch. Prints one line per workload:
  <mode> <images/s> <ms/batch> <peak RSS MiB>
With --blas instead: `blas optimized|reference <GFLOP/s of a 512x512 float product> <library>`, because
Debian's torch falls back to the reference BLAS (a few GFLOP/s) unless an optimized one (libopenblas0-pthread)
is installed, and any ratio against that would be meaningless.
"""
import argparse
import os
import resource
import time

import torch
import torch.nn.functional as F
import torchvision

OPTIMIZED_BLAS = ("openblas", "blis", "mkl", "atlas")


class CifarBlock(torch.nn.Module):
    """akamaster/pytorch_resnet_cifar10's BasicBlock: option-A shortcut (every 2nd pixel, channels zero-padded)."""

    def __init__(self, in_planes, planes, stride):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(planes)
        self.conv2 = torch.nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = torch.nn.BatchNorm2d(planes)
        self.pad = planes // 4 if stride != 1 or in_planes != planes else None

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        short = x if self.pad is None else F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad))
        return F.relu(out + short)


class CifarResNet(torch.nn.Module):
    """CIFAR ResNet-(6n+2), akamaster's layout (conv1/bn1, layer1..3, fc), as Graft's resnetNN_cifar."""

    def __init__(self, depth):
        super().__init__()
        n = (depth - 2) // 6
        self.conv1 = torch.nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(16)
        planes_in = 16
        for i, planes in enumerate([16, 32, 64]):
            blocks = []
            for j in range(n):
                blocks.append(CifarBlock(planes_in, planes, 2 if i > 0 and j == 0 else 1))
                planes_in = planes
            setattr(self, f"layer{i + 1}", torch.nn.Sequential(*blocks))
        self.fc = torch.nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def model_for(arch, frozen_stages):
    if arch.endswith("_cifar"):
        net = CifarResNet(int(arch[len("resnet"):-len("_cifar")]))
    else:
        net = getattr(torchvision.models, arch)(weights=None)
    stages = {"stem": [net.conv1, net.bn1]}
    stages.update({f"stage{i}": [getattr(net, f"layer{i}")] for i in range(1, 5) if hasattr(net, f"layer{i}")})
    for stage in frozen_stages:
        for module in stages[stage]:
            module.eval()  # frozen BatchNorm uses running statistics, as in Graft
            for p in module.parameters():
                p.requires_grad_(False)
    net.fc = torch.nn.Linear(net.fc.in_features, 10)
    return net, [m for s in frozen_stages for m in stages[s]]


def blas():
    """Which BLAS serves torch's matrix products (the libblas.so.3 in this process's memory map; none mapped:
    one built into torch, as in pip wheels) and its speed on a 512x512 float product."""
    a, b = torch.randn(512, 512), torch.randn(512, 512)
    for _ in range(3):
        a @ b
    start, n = time.perf_counter(), 10
    for _ in range(n):
        a @ b
    gflops = 2 * 512 ** 3 * n / (time.perf_counter() - start) / 1e9
    with open("/proc/self/maps") as maps:
        libs = sorted({os.path.realpath(line.split()[-1]) for line in maps
                       if os.path.basename(line.split()[-1]).startswith("libblas.so")})
    optimized = all(any(o in lib for o in OPTIMIZED_BLAS) for lib in libs)
    print(f"blas {'optimized' if optimized else 'reference'} {gflops:.1f} {','.join(libs) or 'built-in'}")


def run(mode, arch, size, batch, batches, warmup, frozen, optimizer):
    torch.manual_seed(0)
    net, frozen_modules = model_for(arch, frozen)
    x = torch.randn(batch, 3, size, size)
    y = torch.arange(batch) % 10
    params = [p for p in net.parameters() if p.requires_grad]
    if optimizer == "adam":
        opt = torch.optim.Adam(params, lr=1e-3)
    else:
        opt = torch.optim.SGD(params, lr=0.01, momentum=0.9, nesterov=True)
    loss_fn = torch.nn.CrossEntropyLoss()
    if mode == "infer":
        net.eval()
    else:
        net.train()
        for m in frozen_modules:
            m.eval()
    start = None
    for i in range(warmup + batches):
        if i == warmup:
            start = time.perf_counter()
        if mode == "infer":
            with torch.no_grad():
                net(x)
        else:
            opt.zero_grad()
            loss_fn(net(x), y).backward()
            opt.step()
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{mode} {batches * batch / seconds:.2f} {1000 * seconds / batches:.1f} {rss:.0f}")


if __name__ == "__main__":
    a = argparse.ArgumentParser()
    a.add_argument("--mode", choices=["infer", "train"], default="train")
    a.add_argument("--arch", default="resnet50")
    a.add_argument("--size", type=int, default=224)
    a.add_argument("--batch", type=int, default=16)
    a.add_argument("--batches", type=int, default=10)
    a.add_argument("--warmup", type=int, default=2)
    a.add_argument("--freeze", default="", help="comma-separated stages, e.g. stem,stage1,stage2,stage3")
    a.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd",
                   help="sgd: momentum 0.9, Nesterov, lr 0.01; adam: lr 1e-3")
    a.add_argument("--threads", type=int, default=0)
    a.add_argument("--blas", action="store_true", help="only report which BLAS torch uses and its speed")
    args = a.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.blas:
        blas()
    else:
        run(args.mode, args.arch, args.size, args.batch, args.batches, args.warmup,
            [s for s in args.freeze.split(",") if s], args.optimizer)
