"""Build the French example and render the first page of each output for the README.

Usage: python scripts/readme_pictures.py
(writes docs/images/{handout,flashcards,flashcards-front-back,key-points}.png)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
OUTPUTS = ("handout", "flashcards", "key-points")


def main() -> None:
    """Build into a temporary folder, then render page 1 of each PDF at 100 dpi."""
    target = REPO / "docs" / "images"
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as out:
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1764288000"}
        example = "source/immunomodulation.yaml"
        subprocess.run(
            [sys.executable, "-m", "studygen", "build", example, "--out", out],
            cwd=REPO,
            env=env,
            check=True,
        )
        for name in OUTPUTS:
            document = pdfium.PdfDocument(str(Path(out) / "immunomodulation" / f"{name}.pdf"))
            image = document[0].render(scale=100 / 72).to_pil()
            image.save(target / f"{name}.png", optimize=True)
            print(target / f"{name}.png")
            if name == "flashcards":  # the first sheet's front and back, side by side
                back = document[1].render(scale=100 / 72).to_pil()
                pair = Image.new("RGB", (image.width * 2 + 30, image.height), (230, 234, 236))
                pair.paste(image, (0, 0))
                pair.paste(back, (image.width + 30, 0))
                pair.save(target / "flashcards-front-back.png", optimize=True)
                print(target / "flashcards-front-back.png")


if __name__ == "__main__":
    main()
