"""Property tests: any cell text is accounted for (order or problem) and stored clean."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from packstation.errors import UserError
from packstation.importers import cells, parse_files
from packstation.importers.export import escape_cell
from tests.importers.conftest import GENERIC_HEADER, csv_text, generic_row

# Any text, including controls, surrogate-free astral characters, quotes and separators.
cell_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(recipient=cell_text, address=cell_text, title=cell_text, sku=cell_text, qty=cell_text)
def test_every_row_becomes_an_order_line_or_a_problem(
    recipient: str, address: str, title: str, sku: str, qty: str
) -> None:
    row = generic_row("A1", recipient=recipient, address=address, title=title, sku=sku, qty=qty)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders.csv"
        path.write_bytes(csv_text([GENERIC_HEADER, row]).encode("utf-8"))
        try:
            [parsed] = parse_files([path])
        except UserError as refused:  # random text can look mis-decoded: then all is refused
            assert "was not imported: its text is garbled" in refused.en or (
                "replacement characters" in refused.en and "\ufffd" in "".join(row)
            ), refused.en
            return
    assert len(parsed.orders) + len(parsed.problems) == 1
    for order in parsed.orders:
        for text in (order.recipient, order.address, order.lines[0].title, order.lines[0].sku):
            assert text == text.strip()
            assert all(ch.isprintable() or ch == "\u3000" or ch.isspace() for ch in text)
            assert not any(ch in text for ch in "\t\r\n\x00\u202e\u200b")
        assert order.lines[0].quantity > 0


@given(cell_text)
def test_cleaning_is_idempotent(value: str) -> None:
    once = cells.text(value)
    assert cells.text(once) == once or once.startswith('="')


@given(cell_text)
def test_escaped_cells_never_start_like_a_formula(value: str) -> None:
    assert not escape_cell(value).startswith(("=", "+", "-", "@", "\t", "\r"))
