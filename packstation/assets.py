"""Where the bundled assets (fonts, division data, later sounds and icons) are found.

`$PACKSTATION_ASSETS` first; then `<repo>/assets` (a source checkout or an editable
install); then `<prefix>/share/packstation/assets`, where a wheel puts them as data files.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ASSETS_ENV = "PACKSTATION_ASSETS"


def assets_dir() -> Path:
    override = os.environ.get(ASSETS_ENV)
    if override:
        return Path(override)
    in_repo = Path(__file__).resolve().parents[1] / "assets"
    installed = Path(sys.prefix) / "share" / "packstation" / "assets"
    return installed if not in_repo.is_dir() and installed.is_dir() else in_repo
