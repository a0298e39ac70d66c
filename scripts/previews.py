"""Render the first page of each PDF in a build folder to PNG, for the README and for review.

Usage: python scripts/previews.py BUILD_DIR OUT_DIR [--pages N] [--scale S]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pypdfium2 as pdfium


def render(pdf_path: Path, out_dir: Path, pages: int, scale: float) -> list[Path]:
    """Write ``<folder>-<name>-<page>.png`` for the first ``pages`` pages of ``pdf_path``."""
    document = pdfium.PdfDocument(str(pdf_path))
    written = []
    for index in range(min(pages, len(document))):
        image = document[index].render(scale=scale).to_pil()
        target = out_dir / f"{pdf_path.parent.name}-{pdf_path.stem}-{index + 1}.png"
        image.save(target, optimize=True)
        written.append(target)
    return written


def main() -> None:
    """Render every PDF found below BUILD_DIR."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("build_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--pages", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for pdf_path in sorted(args.build_dir.glob("*/*.pdf")):
        for target in render(pdf_path, args.out_dir, args.pages, args.scale):
            print(target)


if __name__ == "__main__":
    main()
