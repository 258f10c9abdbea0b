#!/usr/bin/python3
"""Reference for Graft's reading of a Hugging Face preprocessor_config.json.

Reproduces, with Pillow and NumPy only (transformers is not needed), what
transformers' ConvNextImageProcessor (the image processor of the Hub's
ResNets, e.g. microsoft/resnet-50) does at evaluation for shortest_edge < 384:

    resize_shortest_edge = int(shortest_edge / crop_pct)
    shorter side -> resize_shortest_edge, longer -> int(r * long / short),
        Pillow resample (3 = BICUBIC)
    center_crop(shortest_edge): top = (h - size) // 2, left = (w - size) // 2
    x / 255, (x - image_mean) / image_std, CHW float32

    /usr/bin/python3 tools/make_hf_preprocess_fixture.py

writes src/test/resources/fixtures/hf/{odd.png, preprocessor_config.json,
odd.expected.npy}. The image's odd margins make the floored crop differ from
torchvision's rounded one, so the test sees which convention Graft applies.
"""

import json
import os

import numpy as np
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "fixtures", "hf")
CONFIG = {
    "crop_pct": 0.875,
    "do_normalize": True,
    "do_resize": True,
    "image_mean": [0.485, 0.456, 0.406],
    "image_processor_type": "ConvNextImageProcessor",
    "image_std": [0.229, 0.224, 0.225],
    "resample": 3,
    "rescale_factor": 0.00392156862745098,
    "size": {"shortest_edge": 24},
}


def main():
    os.makedirs(OUT, exist_ok=True)
    w, h = 41, 30
    y, x = np.mgrid[0:h, 0:w]
    a = np.stack([(x * 37 + y * 11) % 256, (x * x * 5 + y * 29) % 256, (x * y * 13 + 7) % 256], axis=-1)
    image = Image.fromarray(a.astype(np.uint8), "RGB")
    image.save(os.path.join(OUT, "odd.png"))
    with open(os.path.join(OUT, "preprocessor_config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)

    size = CONFIG["size"]["shortest_edge"]
    short_target = int(size / CONFIG["crop_pct"])
    short, long = min(w, h), max(w, h)
    long_target = int(short_target * long / short)
    new_w, new_h = (short_target, long_target) if w <= h else (long_target, short_target)
    resized = np.asarray(image.resize((new_w, new_h), resample=CONFIG["resample"]))
    top, left = (new_h - size) // 2, (new_w - size) // 2
    crop = resized[top:top + size, left:left + size].astype(np.float64) * CONFIG["rescale_factor"]
    norm = (crop - np.array(CONFIG["image_mean"])) / np.array(CONFIG["image_std"])
    np.save(os.path.join(OUT, "odd.expected.npy"), norm.transpose(2, 0, 1)[None].astype(np.float32))
    print("resized to", (new_w, new_h), "crop at", (left, top))


if __name__ == "__main__":
    main()
