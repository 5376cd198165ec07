"""Turn parsed ESC/POS events back into labels: an image per cut, plus what was seen.

Shared by the mock printer and the emulator. Raster rows are unpacked with Pillow's
"1;I" unpacker (set bit = black dot), so a label decodes to the same mode "1" image
the renderer made, padded on the right to a whole byte.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from PIL import Image

from .escpos_parser import Colour, Cut, Event, Init, LabelFeed, Other, Raster, Text

EndKind = Literal["partial_cut", "full_cut", "label_feed", "none"]


@dataclass(frozen=True, slots=True)
class DecodedLabel:
    """One label as the printer would have printed it."""

    image: Image.Image
    #: Half-open row ranges printed in the second colour (ESC r 1).
    red_bands: tuple[tuple[int, int], ...]
    #: How the label ended: a cut, a feed to the next label, or nothing (stream ended).
    end: EndKind
    bands: int = 0

    @property
    def cut(self) -> bool:
        """True when the label ended with a cut command."""
        return self.end in ("partial_cut", "full_cut")

    def preview(self) -> Image.Image:
        """RGB image with red rows' dots in red, for on-screen preview and PNGs."""
        rgb = self.image.convert("RGB")
        if not self.red_bands:
            return rgb
        red = Image.new("RGB", rgb.size, (220, 0, 0))
        for start, stop in self.red_bands:
            box = (0, start, rgb.width, stop)
            mask = self.image.crop(box).point(lambda v: 255 - v).convert("1")
            rgb.paste(red.crop(box), box[:2], mask)
        return rgb


@dataclass(slots=True)
class _Strip:
    image: Image.Image
    red: bool


@dataclass(slots=True)
class LabelAssembler:
    """Accumulates raster bands until a label ends; keeps counts of odd input."""

    labels: list[DecodedLabel] = field(default_factory=list)
    text_bytes: int = 0
    unknown: list[bytes] = field(default_factory=list)
    _strips: list[_Strip] = field(default_factory=list)
    _red: bool = False

    @property
    def has_pending_rows(self) -> bool:
        """Rows received since the last label ended."""
        return bool(self._strips)

    def add(self, events: Iterable[Event]) -> list[DecodedLabel]:
        """Apply events; returns the labels they completed."""
        done: list[DecodedLabel] = []
        for ev in events:
            if isinstance(ev, Raster):
                self._strips.append(_Strip(_unpack(ev), self._red))
            elif isinstance(ev, Colour):
                self._red = ev.red
            elif isinstance(ev, Init):
                self._red = False
            elif isinstance(ev, Cut):
                done.append(self.finish("partial_cut" if ev.partial else "full_cut"))
            elif isinstance(ev, LabelFeed):
                done.append(self.finish("label_feed"))
            elif isinstance(ev, Text):
                self.text_bytes += len(ev.data)
            elif isinstance(ev, Other) and not ev.known:
                self.unknown.append(ev.data)
        return done

    def finish(self, end: EndKind = "none") -> DecodedLabel:
        """Close the current label (even an empty one, e.g. a bare cut)."""
        width = max((s.image.width for s in self._strips), default=0)
        height = sum(s.image.height for s in self._strips)
        canvas = Image.new("1", (width, height), 1)
        red: list[tuple[int, int]] = []
        top = 0
        for strip in self._strips:
            canvas.paste(strip.image, (0, top))
            bottom = top + strip.image.height
            if strip.red:
                if red and red[-1][1] == top:
                    red[-1] = (red[-1][0], bottom)
                else:
                    red.append((top, bottom))
            top = bottom
        label = DecodedLabel(canvas, tuple(red), end, len(self._strips))
        self._strips = []
        self.labels.append(label)
        return label


def _unpack(ev: Raster) -> Image.Image:
    width = ev.width_bytes * 8
    if width == 0 or ev.rows == 0:
        return Image.new("1", (width, ev.rows), 1)
    img = Image.frombytes("1", (width, ev.rows), ev.data, "raw", "1;I")
    if ev.mode:
        sx = 2 if ev.mode & 1 else 1
        sy = 2 if ev.mode & 2 else 1
        img = img.resize((width * sx, ev.rows * sy), Image.Resampling.NEAREST)
    return img
