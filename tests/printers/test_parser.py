"""The parser on its own: commands the encoder never sends, and input it must not trust."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from packstation.printers.decoded import LabelAssembler
from packstation.printers.escpos_parser import (
    Colour,
    Cut,
    EscposParser,
    Feed,
    Init,
    LabelFeed,
    Other,
    Raster,
    StatusRequest,
    Text,
    parse,
)


def test_known_commands_become_events() -> None:
    data = (
        b"\x1b@\x1br\x01\x1br\x00\x1bd\x03\x1bJ\x10\n\x1d\x0c"
        b"\x10\x04\x01\x10\x04\x04\x1dV\x00\x1dV1\x1dVA\x05\x1dVh\x00"
    )
    events, pending = parse(data)
    assert pending == 0
    assert events == [
        Init(),
        Colour(True),
        Colour(False),
        Feed(lines=3),
        Feed(dots=16),
        Feed(lines=1),
        LabelFeed(),
        StatusRequest(1),
        StatusRequest(4),
        Cut(partial=False),
        Cut(partial=True),
        Cut(partial=False, feed=5),
        Cut(partial=True, feed=0),
    ]


def test_text_and_unknown_bytes_are_reported_not_printed() -> None:
    events, _ = parse(b"HELLO\x1b\x99\x07")
    assert events[0] == Text(b"HELLO")
    assert Other(b"\x1b\x99", False) in events and Other(b"\x07", False) in events
    assembler = LabelAssembler()
    assembler.add(events)
    assert assembler.text_bytes == 5
    assert assembler.unknown == [b"\x1b\x99", b"\x07"]


def test_gs_paren_commands_are_skipped_by_length() -> None:
    events, pending = parse(b"\x1d(k\x03\x001A2\x1b@")
    assert pending == 0
    assert events == [Other(b"\x1d(k\x03\x001A2", True), Init()]


def test_an_incomplete_raster_waits_for_the_rest() -> None:
    parser = EscposParser()
    assert parser.feed(b"\x1dv0\x00\x01\x00\x02\x00\xff") == []
    assert parser.pending == 9
    assert parser.feed(b"\x0f") == [Raster(0, 1, 2, b"\xff\x0f")]
    assert parser.pending == 0


def test_double_size_raster_modes_are_scaled() -> None:
    events, _ = parse(b"\x1dv0\x03\x01\x00\x01\x00\x80\x1dV\x00")
    label = LabelAssembler().add(events)[0]
    assert label.image.size == (16, 2)
    assert label.image.getpixel((1, 1)) == 0 and label.image.getpixel((2, 0)) == 255


def test_a_bare_cut_gives_an_empty_label() -> None:
    label = LabelAssembler().add(parse(b"\x1dVB\x00")[0])[0]
    assert label.image.size == (0, 0) and label.cut


def test_an_absurd_raster_size_is_garbage_not_a_reason_to_buffer_forever() -> None:
    events, pending = parse(b"\x1dv0\x00\xff\xff\xff\xff" + b"\x1b@")
    assert events == [Other(b"\x1dv0\x00\xff\xff\xff\xff", False), Init()]
    assert pending == 0


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=300), cut=st.integers(0, 300))
def test_hostile_bytes_never_crash_and_chunking_does_not_change_the_result(
    data: bytes, cut: int
) -> None:
    def run(chunks: list[bytes]) -> tuple[list[tuple[bytes, tuple]], int, int]:
        parser = EscposParser()
        assembler = LabelAssembler()
        for chunk in chunks:
            assembler.add(parser.feed(chunk))
        labels = [(label.image.tobytes(), label.red_bands) for label in assembler.labels]
        return labels, assembler.text_bytes, parser.pending

    whole = run([data])
    assert whole == run([data[:cut], data[cut:]])
    assert whole[2] <= len(data)
