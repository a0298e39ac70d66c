"""The reorganised code writes the same bytes as before (see ``golden.py``).

The hashes were recorded before the code was reorganised into one module per output, and
the reorganisation kept all 22 files byte for byte. They were recorded again, on purpose,
after these changes to what is printed (14 of the 22 files changed; the flashcards of
the photosynthesis example and others without bold, italic or link text did not):

- a space before bold, italic or link text moved inside the element, which prints the
  same but stops WeasyPrint from leaving one word alone on a line with fallback fonts;
- French verb–pronoun inversions (``aide-t-elle``) printed with non-breaking hyphens.

Recorded again when every flashcard began to print its id (small, before its number):
the flashcard sheets changed, the handouts and key points did not.

Recorded again, on purpose, when the key-points fitting began to predict from the height
of every item and line instead of one height per column width: the immunomodulation
sheet on A4 (default and pdf-ua-1) keeps its 11.75 pt type but now takes one column
instead of two. It fits one page in one column, and at equal sizes fewer columns win;
the old prediction, less exact, had missed it. Nothing else changed.

Recorded again when a key-points sheet of one column stopped being a multi-column box of
one column (WeasyPrint laid such a box out three times to balance a single column): the
five one-column sheets (both examples by default and in pdf-ua-1, photosynthesis on
letter) draw the same pixels, and their tag tree lost the meaningless Part that the
column box made between the sheet's body and its sections. The two-column sheet
(immunomodulation on letter) and everything else did not change.
"""

from __future__ import annotations

import json

import pytest
from conftest import fork_server
from forkserver import ForkServer
from golden import GOLDEN, build_all, fingerprint

RECORDED = json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def hashes(
    tmp_path_factory: pytest.TempPathFactory, fork_servers: dict[int, ForkServer]
) -> dict[str, str]:
    here = fingerprint()
    if here != RECORDED["fingerprint"]:
        pytest.skip(
            "golden hashes were recorded with other libraries or fonts "
            f"({RECORDED['fingerprint']}; here {here}): PDF bytes differ by machine"
        )
    server = fork_server(fork_servers)  # each build in a process of its own, started warm
    run = lambda folder, args, env: server.run(folder, args, env, guard=600)  # noqa: E731
    return build_all(tmp_path_factory.mktemp("golden"), run)


def test_same_outputs_are_written(hashes: dict[str, str]) -> None:
    assert sorted(hashes) == sorted(RECORDED["hashes"])


@pytest.mark.parametrize("key", sorted(RECORDED["hashes"]))
def test_same_bytes(hashes: dict[str, str], key: str) -> None:
    assert hashes[key] == RECORDED["hashes"][key], f"{key} changed"
