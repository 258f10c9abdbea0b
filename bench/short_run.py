#!/usr/bin/env python3
"""bench/short-run.yaml's whole run in plain PyTorch (Debian's python3-torch + torchvision), for compare.sh's
"whole short run" row: hymenoptera from ../shared at 64 px, the pretrained CIFAR-10 ResNet-20 with stem and
stage 1 frozen, a new 2-class head, Adam lr 1e-3, batch 32, hflip, 3 epochs, validation (loss, top-1) and a
checkpoint after every epoch. What a careful PyTorch user writes, nothing more: no report, no AUROC, no
calibration (Graft's run does those too, inside the time compare.sh measures).

Usage: bench/short_run.py [--workers N] [--threads N]    (time it from outside: start-up counts)
Prints: first-batch <s since start> total <s> val_top1 <last epoch>
"""
import argparse
import os
import sys
import tempfile
import time

START = time.perf_counter()

import torch  # noqa: E402  (imported after START: its import is part of the start-up being measured)
import torchvision  # noqa: E402
from torchvision import transforms  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_bench import CifarResNet  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "shared")


def loaders(size, batch, workers):
    normalize = transforms.Normalize([0.4914, 0.4822, 0.4465], [0.2470, 0.2435, 0.2616])
    geometry = [transforms.Resize(size), transforms.CenterCrop(size)]
    train = torchvision.datasets.ImageFolder(
        os.path.join(SHARED, "datasets/hymenoptera/train"),
        transforms.Compose(geometry + [transforms.RandomHorizontalFlip(), transforms.ToTensor(), normalize]),
        is_valid_file=lambda p: not p.endswith(".gif"))
    val = torchvision.datasets.ImageFolder(
        os.path.join(SHARED, "datasets/hymenoptera/val"),
        transforms.Compose(geometry + [transforms.ToTensor(), normalize]))
    return (torch.utils.data.DataLoader(train, batch, shuffle=True, num_workers=workers),
            torch.utils.data.DataLoader(val, batch, shuffle=False, num_workers=workers))


def model():
    net = CifarResNet(20)
    state = torch.load(os.path.join(SHARED, "weights/cifar10/resnet20-12fca82f.th"), map_location="cpu")
    net.load_state_dict({k.replace("module.", "", 1): v for k, v in state["state_dict"].items()
                         if k.startswith("module.")}, strict=False)
    net.fc = torch.nn.Linear(64, 2)
    frozen = [net.conv1, net.bn1, net.layer1]
    for module in frozen:
        for p in module.parameters():
            p.requires_grad_(False)
    return net, frozen


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--workers", type=int, default=0, help="DataLoader worker processes")
    a.add_argument("--threads", type=int, default=0)
    a.add_argument("--epochs", type=int, default=3)
    args = a.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    train, val = loaders(64, 32, args.workers)
    net, frozen = model()
    opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    first_batch, top1 = None, 0.0
    with tempfile.TemporaryDirectory() as out:
        for epoch in range(args.epochs):
            net.train()
            for m in frozen:
                m.eval()  # frozen BatchNorm keeps its running statistics, as in Graft
            for x, y in train:
                opt.zero_grad()
                loss_fn(net(x), y).backward()
                opt.step()
                if first_batch is None:
                    first_batch = time.perf_counter() - START
            net.eval()
            loss, correct, seen = 0.0, 0, 0
            with torch.no_grad():
                for x, y in val:
                    logits = net(x)
                    loss += loss_fn(logits, y).item() * len(y)
                    correct += (logits.argmax(1) == y).sum().item()
                    seen += len(y)
            top1 = correct / seen
            print(f"epoch {epoch + 1} val loss {loss / seen:.4f} top1 {top1:.3f}", file=sys.stderr)
            torch.save({"model": net.state_dict(), "optimizer": opt.state_dict(), "epoch": epoch},
                       os.path.join(out, "last.pt"))
    print(f"first-batch {first_batch:.2f} total {time.perf_counter() - START:.2f} val_top1 {top1:.3f}")


if __name__ == "__main__":
    main()
