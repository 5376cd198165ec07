"""The bundled font is where the app and Qt expect it and covers what it claims."""

from __future__ import annotations

from pathlib import Path

import pytest

from packstation.labels import font_path, font_paths
from packstation.labels.fonts import assets_dir, coverage, has_glyph


def test_font_files_are_bundled_with_their_licence_and_source() -> None:
    regular, bold = font_paths()
    assert regular == font_path(False) and bold == font_path(True)
    assert regular.suffix == bold.suffix == ".otf"
    for path in (regular, bold):
        assert path.stat().st_size > 1_000_000
    total = sum(p.stat().st_size for p in (regular, bold))
    assert total < 10 * 1024 * 1024
    fonts = assets_dir() / "fonts"
    assert "SIL OPEN FONT LICENSE Version 1.1" in (fonts / "OFL.txt").read_text("utf-8")
    assert "pyftsubset" in (fonts / "SOURCE.md").read_text("utf-8")


def test_font_covers_all_of_gb2312_ascii_and_the_symbols_labels_use() -> None:
    missing = []
    for lead in range(0xA1, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                ch = bytes([lead, trail]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            if not has_glyph(ch):
                missing.append(ch)
    assert missing == []
    assert all(has_glyph(chr(c)) for c in range(0x20, 0x7F))
    assert all(has_glyph(c) for c in "★☆※□…·×：；（）收寄京沪穗深杭达堃喆")
    assert not has_glyph("📦") and not has_glyph("𠀀")


def test_coverage_file_matches_the_fonts_cmap() -> None:
    ttlib = pytest.importorskip("fontTools.ttLib")
    for bold in (False, True):
        cmap = set(ttlib.TTFont(font_path(bold), lazy=True).getBestCmap())
        assert coverage() <= cmap
    assert len(coverage()) > 7400


def test_assets_can_be_relocated_for_packaged_installs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    from packstation.labels import fonts

    monkeypatch.setenv(fonts.ASSETS_ENV, str(tmp_path))
    assert fonts.assets_dir() == tmp_path
    with pytest.raises(fonts.FontMissingError, match="PACKSTATION_ASSETS"):
        fonts.font_path()


def test_warm_up_loads_fonts_and_caches_glyphs_before_the_first_parcel() -> None:
    from packstation.labels import warm_up
    from packstation.labels.fonts import load_font
    from packstation.labels.text import glyph

    load_font.cache_clear()
    glyph.cache_clear()
    warm_up()
    assert load_font.cache_info().currsize >= 2
    assert glyph.cache_info().currsize > 50
