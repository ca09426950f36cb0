#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Decode a ringping --heatmap PNG with Pillow (a decoder that is not the
libpng ringping wrote it with) and print, for the map (the top HEIGHT rows),
the pixel count of each colour as "r,g,b count" lines, most first, then the
bounding box of each colour as "box r,g,b x0 y0 x1 y1". Exit 1 if the file
does not decode."""
import sys

from PIL import Image


def main(path, height):
    try:
        im = Image.open(path)
        im.load()
    except Exception as e:  # Pillow raises several kinds
        print(f"not a PNG: {e}")
        return 1
    if im.mode != "RGB":
        print(f"mode {im.mode}, expected RGB")
        return 1
    w, _ = im.size
    px = im.load()
    counts, boxes = {}, {}
    for y in range(height):
        for x in range(w):
            c = px[x, y]
            counts[c] = counts.get(c, 0) + 1
            b = boxes.get(c, [x, y, x, y])
            boxes[c] = [min(b[0], x), min(b[1], y), max(b[2], x), max(b[3], y)]
    print(f"size {im.size[0]} {im.size[1]}")
    for c, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"{c[0]},{c[1]},{c[2]} {n}")
    for c, b in boxes.items():
        print(f"box {c[0]},{c[1]},{c[2]} {b[0]} {b[1]} {b[2]} {b[3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
