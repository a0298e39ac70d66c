"""Build the French example and picture the first page of each output for the README.

Usage: python scripts/readme_pictures.py
(writes docs/images/{handout,flashcards,flashcards-front-back,key-points}.png)
The pictures are what ``studygen preview`` draws at 100 dpi.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
OUTPUTS = ("handout", "flashcards", "key-points")


def main() -> None:
    """``studygen preview`` into a temporary folder, then copy the pictures into docs/images."""
    target = REPO / "docs" / "images"
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as out:
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1764288000"}
        example = "source/immunomodulation.yaml"
        command = [sys.executable, "-m", "studygen", "preview", example, "--out", out]
        subprocess.run([*command, "--pages", "1-2", "--dpi", "100"], cwd=REPO, env=env, check=True)
        folder = Path(out) / "immunomodulation"
        for name in OUTPUTS:
            first = sorted(folder.glob(f"{name}-*1.png"))[0]
            shutil.copyfile(first, target / f"{name}.png")
            print(target / f"{name}.png")
        # the flashcards' first sheet, front and back side by side
        front, back = (Image.open(p) for p in sorted(folder.glob("flashcards-*.png"))[:2])
        pair = Image.new("RGB", (front.width * 2 + 30, front.height), (230, 234, 236))
        pair.paste(front, (0, 0))
        pair.paste(back, (front.width + 30, 0))
        pair.save(target / "flashcards-front-back.png", optimize=True)
        print(target / "flashcards-front-back.png")


if __name__ == "__main__":
    main()
