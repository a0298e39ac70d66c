"""Links on paper: a QR code for each of a source's ``links``, and the address of a link
printed after its text in the handout when the text does not already show it.

segno draws the QR codes as SVG, handed to the page as a ``data:`` URI: nothing is
fetched, the address is only encoded, and the code stays vector in the PDF.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from markupsafe import Markup

_LINK = re.compile(r'<a href="([^"]*)"([^>]*)>(.*?)</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SHOWN = re.compile(r"(?i)^(https?://|mailto:)?(www\.)?")


@lru_cache(maxsize=256)
def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as an SVG ``data:`` URI (black modules, a quiet zone of 2)."""
    import segno

    code = segno.make(url, error="m", micro=False)
    uri: str = code.svg_data_uri(scale=1, border=2, dark="#000", light=None, omitsize=False)
    return uri


def _shown(text: str) -> str:
    return _SHOWN.sub("", text.strip()).rstrip("/").lower()


def with_addresses(fragment: str, show: bool = True) -> Markup:
    """``fragment`` with the address of each web link after its text, when the text differs.

    The address is printed small (``span.address``); links inside the document (``#…``)
    and links whose text is their address are left as they are.
    """
    if not show:
        return Markup(fragment)

    def add(match: re.Match[str]) -> str:
        href = html.unescape(match.group(1))
        text = html.unescape(_TAG.sub("", match.group(3)))
        if not href.lower().startswith(("http://", "https://")) or _shown(text) == _shown(href):
            return match.group(0)
        shown = html.escape(re.sub(r"(?i)^https?://", "", href).rstrip("/"))
        return f'{match.group(0)}<span class="address"> ({shown})</span>'

    return Markup(_LINK.sub(add, str(fragment)))
