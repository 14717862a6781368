"""Pixel statistics of a PNG screenshot, to tell a rendered report from a blank or broken page.

Prints JSON: width, height, ink (share of pixels that differ from the most common colour),
inked_rows (share of rows with any such pixel), colors (distinct colours, quantized to 4 bits per
channel) and, for each colour given as #rrggbb, the number of pixels within a small distance of
it (so a chart drawn in that colour shows up).

Usage: png_stats.py FILE.png [#rrggbb ...]
"""
import json
import sys

import numpy
from PIL import Image


def main():
    pixels = numpy.asarray(Image.open(sys.argv[1]).convert("RGB")).astype(numpy.int32)
    height, width, _ = pixels.shape
    flat = pixels.reshape(-1, 3)
    packed = (flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2]
    values, counts = numpy.unique(packed, return_counts=True)
    background = values[counts.argmax()]
    inked = (packed != background).reshape(height, width)
    quantized = numpy.unique(((flat >> 4)[:, 0] << 8) | ((flat >> 4)[:, 1] << 4) | (flat >> 4)[:, 2])
    near = {}
    for color in sys.argv[2:]:
        target = numpy.array([int(color[i:i + 2], 16) for i in (1, 3, 5)])
        near[color] = int((numpy.abs(flat - target).sum(axis=1) <= 24).sum())
    print(json.dumps({
        "width": width, "height": height, "ink": float(inked.mean()), "inked_rows": float(inked.any(axis=1).mean()),
        "colors": int(len(quantized)), "near": near}))


if __name__ == "__main__":
    main()
