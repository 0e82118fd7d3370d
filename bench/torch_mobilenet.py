"""The benchmark's network in PyTorch, for `kombat bench` (src/bench/torch.ts) to time side by side.

MobileNet v1 (width multiplier --alpha) up to global average pooling, as Keras builds it: a 3x3
convolution, then 13 depthwise-separable blocks, each convolution followed by batch normalisation
and ReLU6. Random weights (speed does not depend on them), eval mode, float32, batches of
--batch-size 224x224 images already in memory (no decoding), on --threads threads.

Protocol: prints one JSON line when ready ({"torch": version, "threads": n}, or {"skipped": why}
where PyTorch is missing), then for every line read on stdin times --images images and prints
{"msPerImage": x}. Ends at the end of stdin.
"""

import argparse
import json
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--alpha", type=float, default=0.75)
parser.add_argument("--batch-size", type=int, default=16)
parser.add_argument("--images", type=int, default=128)
parser.add_argument("--threads", type=int, default=2)
args = parser.parse_args()


def say(message):
    print(json.dumps(message), flush=True)


try:
    import torch
    from torch import nn
except ImportError as err:
    say({"skipped": f"{sys.executable} has no PyTorch ({err}); `make bench-torch` installs Debian's python3-torch"})
    sys.exit(0)

# (output channels at alpha 1, stride) of the 13 depthwise-separable blocks.
BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]


def conv_bn(cin, cout, kernel, stride, groups=1):
    return [
        nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU6(inplace=True),
    ]


def mobilenet_v1(alpha):
    width = lambda c: int(c * alpha)  # noqa: E731 (Keras rounds the same way for these alphas)
    layers = conv_bn(3, width(32), 3, 2)
    cin = width(32)
    for cout, stride in BLOCKS:
        layers += conv_bn(cin, cin, 3, stride, groups=cin)  # depthwise
        layers += conv_bn(cin, width(cout), 1, 1)  # pointwise
        cin = width(cout)
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return nn.Sequential(*layers).eval()


torch.manual_seed(1)
torch.set_num_threads(args.threads)
model = mobilenet_v1(args.alpha)
batch = torch.rand(args.batch_size, 3, 224, 224)
batches = max(1, round(args.images / args.batch_size))
with torch.inference_mode():
    for _ in range(2):  # warm-up: allocator and kernel selection
        model(batch)
    say({"torch": torch.__version__, "threads": torch.get_num_threads()})
    for _ in sys.stdin:
        t0 = time.perf_counter()
        for _ in range(batches):
            model(batch)
        say({"msPerImage": (time.perf_counter() - t0) * 1000 / (batches * args.batch_size)})
