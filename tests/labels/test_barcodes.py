"""Barcode payloads: Code 128 patterns from python-barcode, QR symbols equal to qrcode's."""

from __future__ import annotations

import pytest
import qrcode
from qrcode.util import lost_point

from packstation.labels.barcodes import code128_modules, fit_code128, qr_matrix
from packstation.labels.qrmask import penalty

PAYLOADS = ["1", "TB3891234567890123", "PDD231111-0420-123456", "JD0123456789012-1-1-",
            "4" * 64, "a-b" * 21, "订单号ABC"]


def _qrcode_default(data: str) -> qrcode.QRCode:
    qr = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(data.encode("utf-8"))
    qr.make(fit=True)
    return qr


@pytest.mark.parametrize("data", PAYLOADS)
def test_qr_symbol_is_exactly_what_qrcode_makes_by_default(data: str) -> None:
    assert qr_matrix(data) == tuple(tuple(r) for r in _qrcode_default(data).get_matrix())


@pytest.mark.parametrize("data", PAYLOADS)
def test_mask_penalty_matches_qrcode_scoring(data: str) -> None:
    matrix = _qrcode_default(data).get_matrix()
    rows = [sum(1 << j for j, v in enumerate(row) if v) for row in matrix]
    assert penalty(rows, len(matrix)) == lost_point(matrix)


def test_code128_pattern_has_start_check_and_stop_and_whole_modules() -> None:
    bars = code128_modules("SF1234567890123")
    assert bars.startswith("11010010000") or bars.startswith("11010011100")
    assert bars.endswith("1100011101011")
    assert (len(bars) - 13) % 11 == 0


def test_code128_fit_uses_whole_dots_and_leaves_quiet_zones() -> None:
    fit = fit_code128("75312345678901", avail=560, max_module=4)
    assert fit is not None
    assert fit.width % fit.module == 0
    assert fit.width == (len(code128_modules("75312345678901")) + 20) * fit.module <= 560
    assert fit_code128("9" * 40, avail=50, max_module=4) is None
