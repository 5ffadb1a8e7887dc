"""How names are compared: case-, accent-, apostrophe- and hyphen-insensitively."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = dict.fromkeys(map(ord, "'’‘ʼ`´"), None)
_DASHES = dict.fromkeys(map(ord, "-‐‑‒–—"), " ")
_SPACES = re.compile(r"\s+")


def fold(name: str) -> str:
    """The comparison key of a name: "Qassem Soleimani’s" and "qassem soleimanis" fold alike."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.translate(_APOSTROPHES).translate(_DASHES)
    return _SPACES.sub(" ", stripped).strip()
