"""Draw the skill's icons (108x108 and 512x512 PNG) with nothing but the standard library.

Alexa needs a small and a large icon for every published locale. These are drawn
here, not downloaded: a warm dawn-coloured square with a rose heart mended by a
thin gold seam (the kintsugi idea: what broke, joined with care). No text, calm colours.

    python scripts/draw_icons.py            # writes interaction_model/assets/icon-{108,512}.png
    python scripts/draw_icons.py --check    # exit 1 if the committed icons differ from a fresh drawing
"""

from __future__ import annotations

import argparse
import itertools
import math
import struct
import sys
import zlib
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "interaction_model" / "assets"
SIZES = {"icon-108.png": 108, "icon-512.png": 512}

# Colours (RGB): a dusk-to-dawn background, a warm heart, a soft gold seam where it has mended.
TOP = (58, 42, 74)  # deep plum
BOTTOM = (214, 128, 92)  # warm terracotta
HEART = (236, 150, 128)  # warm rose
HEART_LOW = (226, 120, 108)  # its lower, deeper side
GLOW = (255, 226, 170)  # soft gold
SEAM = (250, 208, 120)  # the mended line


def _mix(a: tuple[float, ...], b: tuple[float, ...], t: float) -> tuple[float, ...]:
    return tuple(x + (y - x) * t for x, y in zip(a, b, strict=True))


def _in_heart(u: float, v: float) -> bool:
    """The classic heart curve (x^2 + y^2 - 1)^3 - x^2 y^3 <= 0, in units where it spans about 2.3 x 2.2."""
    a = u * u + v * v - 1
    return a * a * a - u * u * v * v * v <= 0


def _heart_coverage(x: float, y: float, s: float) -> float:
    """Share of the pixel inside the heart, from 3 x 3 samples (soft edges without a library)."""
    hits = 0
    for dy in (-1 / 3, 0, 1 / 3):
        for dx in (-1 / 3, 0, 1 / 3):
            u = (x + dx - 0.5 * s) / (0.3 * s)
            v = -(y + dy - 0.53 * s) / (0.3 * s)
            hits += _in_heart(u, v)
    return hits / 9


def _seam_distance(x: float, y: float, points: list[tuple[float, float]]) -> float:
    """Distance from (x, y) to a polyline."""
    best = math.inf
    for (ax, ay), (bx, by) in itertools.pairwise(points):
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(x - ax - t * dx, y - ay - t * dy))
    return best


def draw(size: int) -> list[list[tuple[int, int, int]]]:
    """The icon as rows of RGB pixels."""
    s = float(size)
    # A gentle wave from the heart's top notch to its tip: broken once, joined in gold.
    seam = [
        (0.5 * s, 0.22 * s),
        (0.47 * s, 0.36 * s),
        (0.53 * s, 0.5 * s),
        (0.48 * s, 0.64 * s),
        (0.5 * s, 0.84 * s),
    ]
    width = max(1.2, 0.012 * s)
    rows = []
    for j in range(size):
        y = j + 0.5
        row = []
        for i in range(size):
            x = i + 0.5
            # Vertical gradient, lighter towards the middle like early light.
            centre = math.hypot(x - s / 2, y - s * 0.55) / (0.75 * s)
            colour = _mix(TOP, BOTTOM, min(1.0, y / s))
            colour = _mix(colour, GLOW, max(0.0, 0.28 * (1 - centre)))
            inside = _heart_coverage(x, y, s)
            if inside:
                fill = _mix(HEART, HEART_LOW, min(1.0, max(0.0, (y / s - 0.3) / 0.55)))
                colour = _mix(colour, fill, inside)
                line = max(0.0, min(1.0, width - _seam_distance(x, y, seam) + 0.5))
                colour = _mix(colour, SEAM, line * inside)
            row.append(tuple(max(0, min(255, round(c))) for c in colour))
        rows.append(row)
    return rows


def png_bytes(rows: list[list[tuple[int, int, int]]]) -> bytes:
    """An 8-bit RGB PNG of the rows (no interlace, filter 0 on every line)."""
    height, width = len(rows), len(rows[0])
    raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed icons")
    parser.add_argument("--out", type=Path, default=ASSETS)
    args = parser.parse_args(argv)
    stale = []
    for name, size in SIZES.items():
        data = png_bytes(draw(size))
        path = args.out / name
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path} ({size}x{size}, {len(data)} bytes)")
    if stale:
        print("icons differ from scripts/draw_icons.py: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
