#!/usr/bin/python3
"""PyTorch reference oracle for Graft's checkpoint importers.

Writes small, deterministic golden fixtures (checkpoints + inputs + PyTorch's
own outputs) that Graft's Java tests use to prove that importing a torchvision,
Hugging Face or CIFAR (akamaster) ResNet checkpoint reproduces PyTorch exactly.

    /usr/bin/python3 tools/make_torch_fixtures.py               # committed fixtures
    /usr/bin/python3 tools/make_torch_fixtures.py --full OUTDIR # full-size, NOT committed

PyTorch is only a tool for *producing* these files: Graft and its tests never
depend on it. Re-running the script gives byte-identical files (same machine,
same torch build).
"""

import argparse
import collections
import copy
import hashlib
import io
import json
import os
import pickle
import re
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
import torchvision.transforms as T
from PIL import Image, ImageDraw

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE_DIR = os.path.join(REPO_ROOT, "src", "test", "resources", "fixtures", "torch")
SHARED = os.path.join(os.path.dirname(REPO_ROOT), "shared")  # /work/shared next to the repo

BN_EPS = 1e-5
REL_TOL = 1e-4
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer",
                   "dog", "frog", "horse", "ship", "truck"]
# A value a trained checkpoint would carry; importers must ignore it.
NUM_BATCHES_TRACKED = 12345


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------

def conv3x3(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """torchvision BasicBlock: 3x3(stride) - BN - ReLU - 3x3 - BN, + shortcut, ReLU."""
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        # Attribute order == registration order == state_dict key order (same as torchvision).
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes, eps=BN_EPS)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes, eps=BN_EPS)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    """torchvision Bottleneck, "ResNet v1.5": the stride sits on the 3x3 conv2."""
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv1x1(inplanes, planes)
        self.bn1 = nn.BatchNorm2d(planes, eps=BN_EPS)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn2 = nn.BatchNorm2d(planes, eps=BN_EPS)
        self.conv3 = conv1x1(planes, planes * self.expansion)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion, eps=BN_EPS)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


class TvResNet(nn.Module):
    """Width-configurable re-implementation of torchvision.models.ResNet.

    state_dict keys are exactly torchvision's; verified against resnet18/resnet50
    in verify_against_torchvision().
    """

    def __init__(self, block, depths, widths, stem_width, num_classes):
        super().__init__()
        self.inplanes = stem_width
        self.conv1 = nn.Conv2d(3, stem_width, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(stem_width, eps=BN_EPS)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        for i, (depth, width) in enumerate(zip(depths, widths)):
            setattr(self, f"layer{i + 1}", self._make_layer(block, width, depth, 1 if i == 0 else 2))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(widths[-1] * block.expansion, num_classes)
        self.num_stages = len(depths)
        # torchvision's init for convs; BN is randomised afterwards by randomise_bn().
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def _make_layer(self, block, planes, depth, stride):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                       nn.BatchNorm2d(planes * block.expansion, eps=BN_EPS))
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, depth)]
        return nn.Sequential(*layers)

    def forward_with_intermediates(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        inter = {"stem": x}
        for i in range(self.num_stages):
            x = getattr(self, f"layer{i + 1}")(x)
            if i == 0:
                inter["stage1"] = x
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x), inter

    def forward(self, x):
        return self.forward_with_intermediates(x)[0]


class CifarBasicBlock(nn.Module):
    """akamaster/pytorch_resnet_cifar10 BasicBlock with the option-A shortcut.

    Option A has no parameters: take every 2nd row/column starting at index 0
    (x[:, :, ::2, ::2]) and zero-pad the channel axis with planes//4 channels on
    EACH side (zeros first, then the input channels, then zeros).
    """

    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        self.conv1 = conv3x3(in_planes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes, eps=BN_EPS)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes, eps=BN_EPS)
        self.pad = planes // 4 if (stride != 1 or in_planes != planes) else None

    def shortcut(self, x):
        if self.pad is None:
            return x
        return F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad), "constant", 0.0)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class CifarResNet(nn.Module):
    """CIFAR ResNet-(6n+2) in akamaster's layout: conv1/bn1, layer1..3, linear."""

    def __init__(self, n, num_classes=10):
        super().__init__()
        self.conv1 = conv3x3(3, 16)
        self.bn1 = nn.BatchNorm2d(16, eps=BN_EPS)
        in_planes = 16
        for i, planes in enumerate([16, 32, 64]):
            blocks = []
            for j in range(n):
                stride = 2 if (i > 0 and j == 0) else 1
                blocks.append(CifarBasicBlock(in_planes, planes, stride))
                in_planes = planes
            setattr(self, f"layer{i + 1}", nn.Sequential(*blocks))
        self.linear = nn.Linear(64, num_classes)
        # akamaster initialises Linear and Conv2d with kaiming_normal_ (fan_in).
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight)

    def forward_with_intermediates(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        inter = {"stem": x}
        x = self.layer1(x)
        inter["stage1"] = x
        x = self.layer3(self.layer2(x))
        x = F.avg_pool2d(x, x.size()[3]).flatten(1)  # global average pool (square maps)
        return self.linear(x), inter

    def forward(self, x):
        return self.forward_with_intermediates(x)[0]


# --- Independent Hugging Face-layout ResNet (built from the documented structure
# of transformers' ResNetForImageClassification), only used to prove that the
# key mapping tv -> HF is complete and computes the same function.

class HfConvLayer(nn.Module):
    def __init__(self, cin, cout, k=3, stride=1, act=True):
        super().__init__()
        self.convolution = nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=False)
        self.normalization = nn.BatchNorm2d(cout, eps=BN_EPS)
        self.act = act

    def forward(self, x):
        x = self.normalization(self.convolution(x))
        return F.relu(x) if self.act else x


class HfShortCut(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.convolution = nn.Conv2d(cin, cout, 1, stride=stride, bias=False)
        self.normalization = nn.BatchNorm2d(cout, eps=BN_EPS)

    def forward(self, x):
        return self.normalization(self.convolution(x))


class HfResidualLayer(nn.Module):
    def __init__(self, cin, cout, stride, bottleneck):
        super().__init__()
        needs_proj = cin != cout or stride != 1
        self.shortcut = HfShortCut(cin, cout, stride) if needs_proj else nn.Identity()
        if bottleneck:
            r = cout // 4  # HF "reduction" = 4; downsample_in_bottleneck=False -> stride on the 3x3
            self.layer = nn.Sequential(HfConvLayer(cin, r, 1), HfConvLayer(r, r, 3, stride),
                                       HfConvLayer(r, cout, 1, act=False))
        else:
            self.layer = nn.Sequential(HfConvLayer(cin, cout, 3, stride), HfConvLayer(cout, cout, 3, act=False))

    def forward(self, x):
        return F.relu(self.layer(x) + self.shortcut(x))


class HfStage(nn.Module):
    def __init__(self, cin, cout, stride, depth, bottleneck):
        super().__init__()
        self.layers = nn.Sequential(HfResidualLayer(cin, cout, stride, bottleneck),
                                    *[HfResidualLayer(cout, cout, 1, bottleneck) for _ in range(depth - 1)])

    def forward(self, x):
        return self.layers(x)


class HfEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embedder = HfConvLayer(cfg["num_channels"], cfg["embedding_size"], 7, 2)
        self.pooler = nn.MaxPool2d(3, 2, 1)

    def forward(self, x):
        return self.pooler(self.embedder(x))


class HfEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        bott = cfg["layer_type"] == "bottleneck"
        ins = [cfg["embedding_size"]] + cfg["hidden_sizes"][:-1]
        self.stages = nn.ModuleList([
            HfStage(cin, cout, (2 if cfg["downsample_in_first_stage"] else 1) if i == 0 else 2, d, bott)
            for i, (cin, cout, d) in enumerate(zip(ins, cfg["hidden_sizes"], cfg["depths"]))])


class HfResNetModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embedder = HfEmbeddings(cfg)
        self.encoder = HfEncoder(cfg)
        self.pooler = nn.AdaptiveAvgPool2d((1, 1))


class HfResNetForImageClassification(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.resnet = HfResNetModel(cfg)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(cfg["hidden_sizes"][-1], len(cfg["id2label"])))

    def forward(self, x):
        x = self.resnet.embedder(x)
        for stage in self.resnet.encoder.stages:
            x = stage(x)
        return self.classifier(self.resnet.pooler(x))


# ---------------------------------------------------------------------------
# Helpers: randomisation, saving, hashing
# ---------------------------------------------------------------------------

@torch.no_grad()
def randomise_bn(model):
    """Give every BN non-trivial parameters AND statistics so BN import is really tested.

    gamma is kept around 1 (U(0.5,1.5)) so activations neither vanish nor explode
    through the net; beta and running_mean ~ N(0, 0.1); running_var ~ U(0.5, 2).
    Uses the global RNG: the caller seeds it.
    """
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.weight.copy_(torch.empty(c).uniform_(0.5, 1.5))
            m.bias.copy_(torch.empty(c).normal_(0.0, 0.1))
            m.running_mean.copy_(torch.empty(c).normal_(0.0, 0.1))
            m.running_var.copy_(torch.empty(c).uniform_(0.5, 2.0))
            m.num_batches_tracked.fill_(NUM_BATCHES_TRACKED)


def clean_state_dict(model, drop_num_batches_tracked=False):
    """Detached, contiguous copy of the state_dict (an OrderedDict, like state_dict())."""
    sd = collections.OrderedDict()
    for k, v in model.state_dict().items():
        if drop_num_batches_tracked and k.endswith("num_batches_tracked"):
            continue
        sd[k] = v.detach().clone().contiguous()
    return sd


def with_prefix(sd, prefix):
    return collections.OrderedDict((prefix + k, v) for k, v in sd.items())


def save_zip(sd, path):
    """torch.save's default (zip) format. Deterministic as written by torch 1.13."""
    torch.save(sd, path)


class _CanonicalStorageKeyPickle:
    """A `pickle_module` for torch.save's LEGACY writer that makes its output deterministic.

    The legacy writer names each storage str(storage._cdata) -- a memory address -- and
    writes the storage blobs sorted by that name, so two runs give different bytes.
    This shim renames storages "0", "1", ... in order of first appearance in the pickle
    and lets save_legacy() reorder the blobs to match. The file is still exactly the
    legacy layout (magic, protocol, sys_info, object pickle, key-list pickle, then per
    storage: int64 element count + raw little-endian data); only the key strings differ,
    and a reader must treat those as opaque strings anyway (real files use addresses).
    """

    __name__ = "canonical_storage_key_pickle"  # torch.save checks pickle_module.__name__

    def __init__(self):
        self.canon = {}          # raw key -> canonical key
        self.nbytes = {}         # raw key -> bytes of data of that storage
        self.raw_sorted = None   # the order torch writes the blobs in
        self.blobs_start = None

    def dump(self, obj, f, protocol=2):
        if isinstance(obj, list) and self.canon and sorted(obj) == sorted(self.canon):
            # This is the list of storage keys; the blobs follow it.
            self.raw_sorted = list(obj)
            pickle.dump([self.canon[k] for k in sorted(self.canon, key=lambda k: int(self.canon[k]))],
                        f, protocol=protocol)
            self.blobs_start = f.tell()
        else:
            pickle.dump(obj, f, protocol=protocol)

    @property
    def Pickler(self):
        shim = self

        class Pickler(pickle._Pickler):  # pure-Python pickler: persistent_id is a plain attribute
            def __init__(self, f, protocol=2):
                super().__init__(f, protocol=protocol)

            @property
            def persistent_id(self):
                return self._pid

            @persistent_id.setter
            def persistent_id(self, fn):
                def wrapped(obj):
                    res = fn(obj)
                    if res is not None and res[0] == "storage":
                        raw = res[2]
                        if raw not in shim.canon:
                            shim.canon[raw] = str(len(shim.canon))
                            shim.nbytes[raw] = obj.nbytes() if hasattr(obj, "nbytes") else None
                        res = (res[0], res[1], shim.canon[raw]) + tuple(res[3:])
                    return res
                self._pid = wrapped

        return Pickler


def save_legacy(obj, path):
    """torch.save(..., _use_new_zipfile_serialization=False) with canonical storage keys."""
    shim = _CanonicalStorageKeyPickle()
    buf = io.BytesIO()
    torch.save(obj, buf, pickle_module=shim, pickle_protocol=2, _use_new_zipfile_serialization=False)
    data = buf.getvalue()
    head, tail = data[:shim.blobs_start], data[shim.blobs_start:]
    blobs, pos = {}, 0
    for raw in shim.raw_sorted:
        n = 8 + shim.nbytes[raw]          # int64 element count, then the data
        blobs[raw] = tail[pos:pos + n]
        pos += n
    assert pos == len(tail), "unexpected legacy layout"
    ordered = sorted(shim.raw_sorted, key=lambda k: int(shim.canon[k]))
    with open(path, "wb") as f:
        f.write(head)
        for raw in ordered:
            f.write(blobs[raw])
    # The file must load back to exactly the same tensors.
    back = torch.load(path, map_location="cpu")
    assert_same_tree(obj, back)


def assert_same_tree(a, b):
    if isinstance(a, dict):
        assert list(a.keys()) == list(b.keys()), "key order changed"
        for k in a:
            assert_same_tree(a[k], b[k])
    elif torch.is_tensor(a):
        assert a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b)
    else:
        assert a == b


def save_npy(path, arr):
    np.save(path, np.ascontiguousarray(arr, dtype=np.float32))


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=False)
        f.write("\n")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


_ST_DTYPES = {np.dtype("float32"): "F32", np.dtype("int64"): "I64"}


def write_safetensors(path, tensors, metadata):
    """Minimal safetensors writer: u64 LE header length, JSON header, raw LE data.

    Like the reference writer: tensors ordered by (alignment desc, name) so each
    starts aligned to its element size, header padded with spaces to 8 bytes.
    """
    # (np.ascontiguousarray would turn the 0-d num_batches_tracked into shape [1])
    arrays = {k: np.array(v.numpy(), order="C", copy=True) for k, v in tensors.items()}
    order = sorted(arrays, key=lambda k: (-arrays[k].dtype.itemsize, k))
    header = {"__metadata__": metadata}
    chunks, off = [], 0
    for k in order:
        a = arrays[k]
        b = a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()
        header[k] = {"dtype": _ST_DTYPES[a.dtype], "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        chunks.append(b)
        off += len(b)
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * (-len(hb) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for c in chunks:
            f.write(c)


def read_safetensors(path):
    """Independent reader, used to check the writer round-trips."""
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for k, info in header.items():
        if k == "__metadata__":
            continue
        dt = {"F32": "<f4", "I64": "<i8"}[info["dtype"]]
        b, e = info["data_offsets"]
        out[k] = torch.from_numpy(np.frombuffer(data[base + b:base + e], dtype=dt).reshape(info["shape"]).copy())
    return header["__metadata__"], out


# ---------------------------------------------------------------------------
# torchvision -> Hugging Face key mapping
# ---------------------------------------------------------------------------

def tv_key_to_hf(key):
    """torchvision ResNet key -> transformers ResNetForImageClassification key."""
    m = re.fullmatch(r"(conv1|bn1)\.(\w+)", key)
    if m:
        part = "convolution" if m.group(1) == "conv1" else "normalization"
        return f"resnet.embedder.embedder.{part}.{m.group(2)}"
    m = re.fullmatch(r"layer(\d+)\.(\d+)\.(conv|bn)(\d)\.(\w+)", key)
    if m:
        stage, layer, kind, idx, leaf = int(m.group(1)) - 1, m.group(2), m.group(3), int(m.group(4)) - 1, m.group(5)
        part = "convolution" if kind == "conv" else "normalization"
        return f"resnet.encoder.stages.{stage}.layers.{layer}.layer.{idx}.{part}.{leaf}"
    m = re.fullmatch(r"layer(\d+)\.(\d+)\.downsample\.([01])\.(\w+)", key)
    if m:
        part = "convolution" if m.group(3) == "0" else "normalization"
        return f"resnet.encoder.stages.{int(m.group(1)) - 1}.layers.{m.group(2)}.shortcut.{part}.{m.group(4)}"
    m = re.fullmatch(r"fc\.(weight|bias)", key)
    if m:
        return f"classifier.1.{m.group(1)}"
    raise KeyError(key)


def hf_config(block, depths, stem_width, out_widths, labels):
    return {
        "architectures": ["ResNetForImageClassification"],
        "model_type": "resnet",
        "num_channels": 3,
        "embedding_size": stem_width,
        "hidden_sizes": list(out_widths),
        "depths": list(depths),
        "layer_type": block,
        "hidden_act": "relu",
        "downsample_in_first_stage": False,
        "downsample_in_bottleneck": False,
        "id2label": {str(i): name for i, name in enumerate(labels)},
        "label2id": {name: i for i, name in enumerate(labels)},
        "torch_dtype": "float32",
    }


def to_hf_state_dict(tv_sd):
    return collections.OrderedDict((tv_key_to_hf(k), v) for k, v in tv_sd.items())


@torch.no_grad()
def check_hf_layout(cfg, tv_model, x):
    """The HF-layout module built from `cfg` must have exactly the mapped keys and the same outputs."""
    hf = HfResNetForImageClassification(cfg).eval()
    mapped = to_hf_state_dict(tv_model.state_dict())
    want = {k: tuple(v.shape) for k, v in hf.state_dict().items()}
    got = {k: tuple(v.shape) for k, v in mapped.items()}
    assert want == got, f"HF key/shape mismatch: {set(want) ^ set(got)}"
    hf.load_state_dict(mapped, strict=True)
    if x is None:
        return len(want), None
    diff = (hf(x) - tv_model(x)).abs().max().item()
    return len(want), diff


# ---------------------------------------------------------------------------
# Verification of the re-implementation against torchvision itself
# ---------------------------------------------------------------------------

@torch.no_grad()
def verify_against_torchvision():
    results = {}
    specs = [("resnet18", torchvision.models.resnet18, BasicBlock, [2, 2, 2, 2], "basic", 1),
             ("resnet50", torchvision.models.resnet50, Bottleneck, [3, 4, 6, 3], "bottleneck", 4)]
    for name, ctor, block, depths, layer_type, expansion in specs:
        torch.manual_seed(1000)
        tv = ctor(weights=None)
        randomise_bn(tv)
        tv.eval()
        mine = TvResNet(block, depths, [64, 128, 256, 512], 64, 1000).eval()
        tv_keys = [(k, tuple(v.shape)) for k, v in tv.state_dict().items()]
        my_keys = [(k, tuple(v.shape)) for k, v in mine.state_dict().items()]
        assert tv_keys == my_keys, f"{name}: keys/shapes/order differ"
        mine.load_state_dict(tv.state_dict(), strict=True)
        torch.manual_seed(1001)
        x = torch.randn(2, 3, 224, 224)
        a, b = tv(x), mine(x)
        diff = (a - b).abs().max().item()
        assert diff == 0.0, f"{name}: outputs differ by {diff}"
        # The HF layout for the real microsoft/resnet-{18,50} configs (keys/shapes only).
        cfg = hf_config(layer_type, depths, 64, [64 * expansion, 128 * expansion, 256 * expansion,
                                                 512 * expansion], [f"LABEL_{i}" for i in range(1000)])
        n_hf, _ = check_hf_layout(cfg, mine, None)
        results[name] = {"keys": len(tv_keys), "same_keys_shapes_order": True,
                         "max_abs_logit_diff": diff, "hf_layout_keys": n_hf}
        print(f"[verify] {name}: {len(tv_keys)} state_dict entries identical (names, shapes, order) "
              f"to torchvision; loaded strict; max |logit diff| on 2x3x224x224 = {diff}; "
              f"HF layout ({n_hf} keys) is a bijection of the torchvision keys")
    return results


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------

def seeded_input(seed, shape):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


@torch.no_grad()
def run_and_save(model, x_np, out_dir, name):
    x = torch.from_numpy(x_np)
    logits, inter = model.forward_with_intermediates(x)
    files = {"input": f"{name}.input.npy", "logits": f"{name}.logits.npy",
             "stem": f"{name}.stem.npy", "stage1": f"{name}.stage1.npy"}
    save_npy(os.path.join(out_dir, files["input"]), x_np)
    save_npy(os.path.join(out_dir, files["logits"]), logits.numpy())
    save_npy(os.path.join(out_dir, files["stem"]), inter["stem"].numpy())
    save_npy(os.path.join(out_dir, files["stage1"]), inter["stage1"].numpy())
    shapes = {"input": list(x.shape), "logits": list(logits.shape),
              "stem": list(inter["stem"].shape), "stage1": list(inter["stage1"].shape)}
    print(f"[{name}] logits[0]: {np.array2string(logits[0].numpy(), precision=4, max_line_width=200)}")
    print(f"[{name}] max|logit| = {logits.abs().max().item():.4f}; shapes {shapes}")
    return files, shapes


def tv_fixture(out_dir, name, hf_name, block_cls, block, depths, inner_widths, stem_width, seed):
    """A reduced-width torchvision ResNet in zip + legacy formats, and its HF twin."""
    torch.manual_seed(seed)
    model = TvResNet(block_cls, depths, inner_widths, stem_width, 10)
    randomise_bn(model)
    model.eval()
    sd = clean_state_dict(model)

    save_zip(sd, os.path.join(out_dir, f"{name}.zip.pth"))
    # Legacy format wrapped like a DataParallel training checkpoint.
    save_legacy({"state_dict": with_prefix(sd, "module.")}, os.path.join(out_dir, f"{name}.legacy.pth"))

    x_np = seeded_input(seed + 1, (2, 3, 64, 64))
    files, shapes = run_and_save(model, x_np, out_dir, name)

    # Hugging Face twin: same weights, HF names, config.json + model.safetensors.
    out_widths = [w * block_cls.expansion for w in inner_widths]
    cfg = hf_config(block, depths, stem_width, out_widths, CIFAR10_CLASSES)
    hf_dir = os.path.join(out_dir, hf_name)
    os.makedirs(hf_dir, exist_ok=True)
    write_json(os.path.join(hf_dir, "config.json"), cfg)
    hf_sd = to_hf_state_dict(sd)
    write_safetensors(os.path.join(hf_dir, "model.safetensors"), hf_sd, {"format": "pt"})
    _, back = read_safetensors(os.path.join(hf_dir, "model.safetensors"))
    assert set(back) == set(hf_sd) and all(torch.equal(back[k], hf_sd[k]) for k in hf_sd)
    n_hf, diff = check_hf_layout(cfg, model, torch.from_numpy(x_np))
    assert diff == 0.0, f"{hf_name}: HF-layout model differs by {diff}"
    print(f"[{hf_name}] {n_hf} HF keys; HF-layout model loaded strict with the "
          f"written names; max |logit diff| vs torchvision layout = {diff}")

    # Every saved checkpoint must load back into the model and reproduce the logits.
    check_reload(model, x_np, torch.load(os.path.join(out_dir, f"{name}.zip.pth")), "")
    check_reload(model, x_np, torch.load(os.path.join(out_dir, f"{name}.legacy.pth"))["state_dict"], "module.")

    arch = {"family": "torchvision", "block": block, "expansion": block_cls.expansion,
            "depths": list(depths), "stem_width": stem_width, "inner_widths": list(inner_widths),
            "widths": out_widths, "num_classes": 10,
            "stem": "conv 7x7 stride 2 pad 3 (no bias), BN, ReLU, maxpool 3x3 stride 2 pad 1",
            "stage_strides": [1, 2, 2, 2],
            "bottleneck_stride_on": "conv2 (3x3), ResNet v1.5" if block == "bottleneck" else None,
            "projection_shortcut": "downsample = [conv 1x1 stride s (no bias), BN] when stride != 1 "
                                   "or in_channels != out_channels",
            "head": "adaptive avg pool 1x1, flatten, fc", "bn_eps": BN_EPS}
    if arch["bottleneck_stride_on"] is None:
        del arch["bottleneck_stride_on"]
    arrays = {"input": files["input"], "logits": files["logits"],
              "intermediates": {"stem": files["stem"], "stage1": files["stage1"]}, "shapes": shapes}
    tv_entry = {
        "name": name, "arch": arch,
        "checkpoints": [
            {"format": "torch-zip", "file": f"{name}.zip.pth", "container": "raw state_dict (OrderedDict)",
             "key_prefix": "", "num_batches_tracked": True, "keys": len(sd)},
            {"format": "torch-legacy", "file": f"{name}.legacy.pth",
             "container": "dict {'state_dict': OrderedDict}", "key_prefix": "module.",
             "num_batches_tracked": True, "keys": len(sd),
             "storage_keys": "'0','1',... (canonicalised for determinism; real files use decimal addresses)"}],
        **arrays, "tolerance_rel": REL_TOL}
    hf_entry = {
        "name": hf_name, "same_weights_as": name,
        "arch": dict(arch, family="huggingface-transformers"),
        "checkpoints": [
            {"format": "hf-safetensors", "files": [f"{hf_name}/config.json", f"{hf_name}/model.safetensors"],
             "key_prefix": "resnet. (backbone), classifier.1. (head)", "num_batches_tracked": True,
             "num_batches_tracked_dtype": "I64, shape []", "keys": len(hf_sd)}],
        **arrays, "tolerance_rel": REL_TOL}
    return tv_entry, hf_entry, list(sd.keys()), list(hf_sd.keys())


@torch.no_grad()
def check_reload(model, x_np, sd, prefix):
    """Load a saved state_dict (stripping `prefix`) into a fresh copy and compare outputs."""
    fresh = copy.deepcopy(model)
    for p in fresh.state_dict().values():
        p.zero_()
    fresh.load_state_dict({k[len(prefix):]: v for k, v in sd.items()}, strict=True)
    x = torch.from_numpy(x_np)
    assert torch.equal(fresh(x), model(x))


def cifar_fixture(out_dir, seed):
    name = "cifar_resnet20"
    torch.manual_seed(seed)
    model = CifarResNet(3)
    randomise_bn(model)
    model.eval()
    # The real akamaster files were written by an old PyTorch: no num_batches_tracked keys.
    sd = clean_state_dict(model, drop_num_batches_tracked=True)
    save_legacy({"best_prec1": 0.0, "state_dict": with_prefix(sd, "module.")},
                os.path.join(out_dir, f"{name}.th"))
    x_np = seeded_input(seed + 1, (2, 3, 32, 32))
    files, shapes = run_and_save(model, x_np, out_dir, name)
    # Loading without num_batches_tracked works (BN treats the old version gracefully).
    fresh = CifarResNet(3).eval()
    loaded = torch.load(os.path.join(out_dir, f"{name}.th"))
    fresh.load_state_dict({k[len("module."):]: v for k, v in loaded["state_dict"].items()}, strict=True)
    assert torch.equal(fresh(torch.from_numpy(x_np)), model(torch.from_numpy(x_np)))
    entry = {
        "name": name,
        "arch": {"family": "cifar-akamaster", "block": "basic", "depths": [3, 3, 3], "stem_width": 16,
                 "widths": [16, 32, 64], "num_classes": 10,
                 "stem": "conv 3x3 stride 1 pad 1 (no bias), BN, ReLU (no maxpool)",
                 "stage_strides": [1, 2, 2],
                 "shortcut": "option A, no parameters: F.pad(x[:, :, ::2, ::2], (0,0,0,0,p,p)) with "
                             "p = planes//4 zero channels BEFORE and AFTER the input channels; used when "
                             "stride != 1 or channels change",
                 "head": "global avg pool (F.avg_pool2d over the full 8x8 map), flatten, linear",
                 "bn_eps": BN_EPS},
        "checkpoints": [
            {"format": "torch-legacy", "file": f"{name}.th",
             "container": "dict {'best_prec1': float, 'state_dict': OrderedDict}", "key_prefix": "module.",
             "num_batches_tracked": False, "keys": len(sd),
             "storage_keys": "'0','1',... (canonicalised for determinism; real files use decimal addresses)"}],
        "input": files["input"], "logits": files["logits"],
        "intermediates": {"stem": files["stem"], "stage1": files["stage1"]}, "shapes": shapes,
        "tolerance_rel": REL_TOL}
    return entry, list(sd.keys())


def pick_real_images():
    """2 ants, 2 bees (hymenoptera/val), 1 healthy + 1 diseased leaf; first in sorted order."""
    picks = []
    for sub, n in [("datasets/hymenoptera/val/ants", 2), ("datasets/hymenoptera/val/bees", 2),
                   ("datasets/plantvillage_binary_sample/all/Healthy", 1),
                   ("datasets/plantvillage_binary_sample/all/Diseased", 1)]:
        names = sorted(f for f in os.listdir(os.path.join(SHARED, sub)) if f.lower().endswith((".jpg", ".jpeg", ".png")))
        picks += [f"{sub}/{f}" for f in names[:n]]
    return picks


def preprocess_variants(pil):
    """The reference preprocessing and alternative 32x32 resizes (to measure sensitivity)."""
    norm = T.Normalize(IMAGENET_MEAN, IMAGENET_STD)
    w, h = pil.size
    ref = T.Compose([T.Resize((32, 32)), T.ToTensor(), norm])(pil)  # PIL bilinear, antialiased
    # PIL bilinear WITHOUT antialias: an affine transform samples the 2x2 neighbourhood of each
    # output pixel centre (half-pixel convention, like OpenCV INTER_LINEAR), no area filter.
    no_aa = pil.transform((32, 32), Image.AFFINE, (w / 32, 0, 0, 0, h / 32, 0), resample=Image.BILINEAR)
    full = T.ToTensor()(pil).unsqueeze(0)
    t_no_aa = F.interpolate(full, size=(32, 32), mode="bilinear", align_corners=False, antialias=False)[0]
    t_aa = F.interpolate(full, size=(32, 32), mode="bilinear", align_corners=False, antialias=True)[0]
    return {
        "pil_bilinear_antialias": ref,
        "pil_bilinear_no_antialias": norm(T.ToTensor()(no_aa)),
        "torch_bilinear_no_antialias": norm(t_no_aa),
        "torch_bilinear_antialias": norm(t_aa),
    }


@torch.no_grad()
def real_cifar_oracle(out_dir):
    weights = sorted(f for f in os.listdir(os.path.join(SHARED, "weights/cifar10")) if f.startswith("resnet56-"))
    if not weights:
        print("[real] /work/shared/weights/cifar10/resnet56-*.th not found: skipped")
        return None
    wrel = f"weights/cifar10/{weights[0]}"
    ckpt = torch.load(os.path.join(SHARED, wrel), map_location="cpu")
    model = CifarResNet(9).eval()
    model.load_state_dict({k[len("module."):]: v for k, v in ckpt["state_dict"].items()}, strict=True)

    images = pick_real_images()
    variants = collections.OrderedDict()
    for rel in images:
        with Image.open(os.path.join(SHARED, rel)) as im:
            pil = im.convert("RGB")
        for vname, t in preprocess_variants(pil).items():
            variants.setdefault(vname, []).append(t)
    results = collections.OrderedDict()
    for vname, ts in variants.items():
        x = torch.stack(ts)
        logits = model(x)
        results[vname] = {"x": x, "logits": logits, "top1": [CIFAR10_CLASSES[i] for i in logits.argmax(1).tolist()]}
    ref = results["pil_bilinear_antialias"]
    name = "cifar_resnet56_real"
    save_npy(os.path.join(out_dir, f"{name}.input.npy"), ref["x"].numpy())
    save_npy(os.path.join(out_dir, f"{name}.logits.npy"), ref["logits"].numpy())

    probs = ref["logits"].softmax(1)
    per_image = []
    for i, rel in enumerate(images):
        top2 = ref["logits"][i].topk(2)
        per_image.append({
            "path": rel, "sha256": sha256(os.path.join(SHARED, rel)),
            "top1": ref["top1"][i], "top1_index": int(top2.indices[0]),
            "top1_prob": round(float(probs[i].max()), 6),
            "top1_minus_top2_logit": round(float(top2.values[0] - top2.values[1]), 6),
            "logits": [float(v) for v in ref["logits"][i]],
        })
    sensitivity = collections.OrderedDict()
    for vname, r in results.items():
        sensitivity[vname] = {
            "top1": r["top1"],
            "top1_agrees_with_reference": [a == b for a, b in zip(r["top1"], ref["top1"])],
            "max_abs_input_diff_vs_reference": round(float((r["x"] - ref["x"]).abs().max()), 6),
            "max_abs_logit_diff_vs_reference": round(float((r["logits"] - ref["logits"]).abs().max()), 6),
        }
    doc = {
        "name": name,
        "weights": wrel, "weights_sha256": sha256(os.path.join(SHARED, wrel)),
        "weights_root": "paths are relative to the shared folder (/work/shared, ../shared from the repo)",
        "arch": {"family": "cifar-akamaster", "block": "basic", "depths": [9, 9, 9], "stem_width": 16,
                 "widths": [16, 32, 64], "num_classes": 10, "bn_eps": BN_EPS},
        "classes": CIFAR10_CLASSES,
        "preprocessing": "PIL RGB image -> torchvision Resize((32, 32)) (PIL bilinear, which antialiases "
                         "when downscaling) -> ToTensor -> Normalize(mean=(0.485,0.456,0.406), "
                         "std=(0.229,0.224,0.225))",
        "input": f"{name}.input.npy", "input_shape": list(ref["x"].shape),
        "logits": f"{name}.logits.npy", "logits_shape": list(ref["logits"].shape),
        "tolerance_rel": REL_TOL,
        "images": per_image,
        "resize_sensitivity": {
            "note": "top-1 for other 32x32 resizes of the same images; inputs differ, so only the "
                    "reference row is an exactness oracle",
            "variants": sensitivity},
    }
    write_json(os.path.join(out_dir, f"{name}.json"), doc)
    print(f"[real] {wrel} ({ckpt['best_prec1']}% CIFAR-10) on 6 photos:")
    for p in per_image:
        print(f"[real]   {p['path']}: {p['top1']} (p={p['top1_prob']:.3f}, margin {p['top1_minus_top2_logit']:.3f})")
    for vname, s in sensitivity.items():
        print(f"[real] resize {vname:28s}: top1 {s['top1']}  max|dx|={s['max_abs_input_diff_vs_reference']:.3f} "
              f"max|dlogit|={s['max_abs_logit_diff_vs_reference']:.3f}")
    entry = {"name": name, "description": f"{name}.json", "external_weights": wrel,
             "input": doc["input"], "logits": doc["logits"], "tolerance_rel": REL_TOL,
             "requires_shared": True}
    return entry


def make_fixtures(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    verification = verify_against_torchvision()
    entries, key_lists = [], {}

    tv, hf, tvk, hfk = tv_fixture(out_dir, "basic_tv", "basic_hf", BasicBlock, "basic",
                                  [2, 1, 1, 1], [8, 16, 32, 64], 8, seed=11)
    entries += [tv, hf]
    key_lists["basic_tv"], key_lists["basic_hf"] = tvk, hfk
    tv, hf, tvk, hfk = tv_fixture(out_dir, "bottleneck_tv", "bottleneck_hf", Bottleneck, "bottleneck",
                                  [1, 2, 1, 1], [4, 8, 16, 32], 8, seed=22)
    entries += [tv, hf]
    key_lists["bottleneck_tv"], key_lists["bottleneck_hf"] = tvk, hfk
    entry, ck = cifar_fixture(out_dir, seed=33)
    entries.append(entry)
    key_lists["cifar_resnet20"] = ck
    real = real_cifar_oracle(out_dir)
    if real:
        entries.append(real)

    manifest = {
        "generator": "tools/make_torch_fixtures.py",
        "torch": torch.__version__, "torchvision": torchvision.__version__,
        "tolerance": {"relative": REL_TOL,
                      "definition": "max|graft - torch| <= relative * max|torch| over the whole tensor"},
        "conventions": {
            "array_files": "float32 .npy, C order, NCHW for images/feature maps, (N, classes) for logits",
            "bn_eps": BN_EPS,
            "bn": "y = (x - running_mean) / sqrt(running_var + eps) * weight + bias (eval mode)",
            "conv_weight": "(out, in, kH, kW)",
            "linear_weight": "(out, in); y = x @ W.T + b",
            "num_batches_tracked": "int64 scalar, training state only: ignore it; may be absent",
            "mode": "all outputs are eval() mode (BN uses running statistics)",
        },
        "verification": verification,
        "fixtures": entries,
    }
    write_json(os.path.join(out_dir, "manifest.json"), manifest)
    for name, keys in key_lists.items():
        print(f"[keys] {name} ({len(keys)}): first 15:")
        for k in keys[:15]:
            print(f"[keys]     {k}")
    total = 0
    for root, _, fs in os.walk(out_dir):
        for f in sorted(fs):
            p = os.path.join(root, f)
            total += os.path.getsize(p)
            print(f"[file] {os.path.relpath(p, out_dir):40s} {os.path.getsize(p):>9d}")
    print(f"[file] total {total} bytes")


# ---------------------------------------------------------------------------
# --full: full-size torchvision resnet18/resnet50 (not committed)
# ---------------------------------------------------------------------------

def make_test_image(path):
    """Deterministic 256x256 RGB image with structure: gradients, shapes, lines, a checkerboard."""
    yy, xx = np.mgrid[0:256, 0:256].astype(np.float32)
    r = xx
    g = yy
    b = 127.5 + 127.5 * np.sin(np.hypot(xx - 128, yy - 128) / 12.0)
    img = Image.fromarray(np.stack([r, g, b], -1).round().clip(0, 255).astype(np.uint8), "RGB")
    d = ImageDraw.Draw(img)
    d.ellipse((30, 30, 110, 110), fill=(255, 220, 0), outline=(0, 0, 0), width=4)
    d.rectangle((140, 40, 230, 120), fill=(20, 40, 200))
    d.polygon([(60, 230), (120, 140), (180, 230)], fill=(200, 30, 30))
    for i in range(0, 256, 16):
        d.line((0, i, i, 0), fill=(255, 255, 255), width=1)
    for cy in range(4):
        for cx in range(4):
            if (cx + cy) % 2 == 0:
                d.rectangle((190 + cx * 14, 170 + cy * 14, 203 + cx * 14, 183 + cy * 14), fill=(0, 0, 0))
    img.save(path, format="PNG")


@torch.no_grad()
def make_full(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    img_path = os.path.join(out_dir, "test_image.png")
    make_test_image(img_path)
    preprocess = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(),
                            T.Normalize(IMAGENET_MEAN, IMAGENET_STD)])
    with Image.open(img_path) as im:
        x = preprocess(im.convert("RGB")).unsqueeze(0)
    save_npy(os.path.join(out_dir, "test_image.input.npy"), x.numpy())
    doc = {"image": "test_image.png", "image_sha256": sha256(img_path),
           "preprocessing": "Resize(256), CenterCrop(224), ToTensor, Normalize(ImageNet mean/std)",
           "input": "test_image.input.npy", "input_shape": list(x.shape),
           "tolerance_rel": REL_TOL, "bn_eps": BN_EPS, "models": {}}
    for name, ctor, seed, layer_type, exp in [("resnet18", torchvision.models.resnet18, 18, "basic", 1),
                                              ("resnet50", torchvision.models.resnet50, 50, "bottleneck", 4)]:
        torch.manual_seed(seed)
        model = ctor(weights=None)
        randomise_bn(model)
        model.eval()
        sd = clean_state_dict(model)
        save_zip(sd, os.path.join(out_dir, f"{name}.zip.pth"))
        save_legacy({"state_dict": with_prefix(sd, "module.")}, os.path.join(out_dir, f"{name}.legacy.pth"))
        # Extra: the same weights in Hugging Face layout (microsoft/resnet-* structure).
        depths = [2, 2, 2, 2] if name == "resnet18" else [3, 4, 6, 3]
        cfg = hf_config(layer_type, depths, 64, [64 * exp, 128 * exp, 256 * exp, 512 * exp],
                        [f"LABEL_{i}" for i in range(1000)])
        hf_dir = os.path.join(out_dir, f"{name}_hf")
        os.makedirs(hf_dir, exist_ok=True)
        write_json(os.path.join(hf_dir, "config.json"), cfg)
        write_safetensors(os.path.join(hf_dir, "model.safetensors"), to_hf_state_dict(sd), {"format": "pt"})
        logits = model(x)
        save_npy(os.path.join(out_dir, f"{name}.logits.npy"), logits.numpy())
        top = logits[0].topk(6)
        doc["models"][name] = {
            "checkpoints": {"zip": f"{name}.zip.pth (raw state_dict)",
                            "legacy": f"{name}.legacy.pth ({{'state_dict': ...}}, keys prefixed 'module.')",
                            "hf": f"{name}_hf/config.json + {name}_hf/model.safetensors"},
            "seed": seed, "logits": f"{name}.logits.npy",
            "top5": top.indices[:5].tolist(), "top6_values": [float(v) for v in top.values],
            "top5_margin_to_6th": float(top.values[4] - top.values[5]),
            "logits_values": [float(v) for v in logits[0]],
        }
        print(f"[full] {name}: top5 {top.indices[:5].tolist()} values "
              f"{[round(float(v), 4) for v in top.values[:5]]} (6th {float(top.values[5]):.4f})")
    write_json(os.path.join(out_dir, "reference.json"), doc)
    for f in sorted(os.listdir(out_dir)):
        p = os.path.join(out_dir, f)
        if os.path.isfile(p):
            print(f"[full] {f:28s} {os.path.getsize(p):>10d}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--full", metavar="OUTDIR", help="write full-size resnet18/resnet50 fixtures to OUTDIR")
    ap.add_argument("--out", default=FIXTURE_DIR, help="output folder for the small fixtures")
    args = ap.parse_args()
    # One thread: identical float results on every run.
    torch.set_num_threads(1)
    if args.full:
        make_full(args.full)
    else:
        make_fixtures(args.out)


if __name__ == "__main__":
    sys.exit(main())
