#!/usr/bin/env python3
"""The same workloads as `graft bench`, in PyTorch (Debian's python3-torch), for side-by-side ratios.

Optional: Graft, its tests and CI never need PyTorch. Prints one line per workload:
  <mode> <images/s> <ms/batch> <peak RSS MiB>
"""
import argparse
import resource
import time

import torch
import torchvision


def model_for(arch, frozen_stages):
    net = getattr(torchvision.models, arch)(weights=None)
    stages = {"stem": [net.conv1, net.bn1], "stage1": [net.layer1], "stage2": [net.layer2],
              "stage3": [net.layer3], "stage4": [net.layer4]}
    for stage in frozen_stages:
        for module in stages[stage]:
            module.eval()  # frozen BatchNorm uses running statistics, as in Graft
            for p in module.parameters():
                p.requires_grad_(False)
    net.fc = torch.nn.Linear(net.fc.in_features, 10)
    return net, [m for s in frozen_stages for m in stages[s]]


def run(mode, arch, size, batch, batches, warmup, frozen):
    torch.manual_seed(0)
    net, frozen_modules = model_for(arch, frozen)
    x = torch.randn(batch, 3, size, size)
    y = torch.arange(batch) % 10
    params = [p for p in net.parameters() if p.requires_grad]
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
    a.add_argument("--threads", type=int, default=0)
    args = a.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    run(args.mode, args.arch, args.size, args.batch, args.batches, args.warmup,
        [s for s in args.freeze.split(",") if s])
