"""Priority and plain labels compared as images with stored goldens.

Goldens live in tests/labels/golden/ (203 dpi, printed_at fixed in conftest). After an
intended layout change, look at the new images, then rewrite the goldens with

    PACKSTATION_UPDATE_GOLDENS=1 pytest tests/labels/test_golden.py

and commit them together with the change. Comparison allows a small fraction of
differing dots so a FreeType upgrade that moves an anti-aliased edge does not fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from packstation.labels import LABEL_SIZES, RenderedLabel, WaybillData, render_waybill

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("PACKSTATION_UPDATE_GOLDENS") == "1"
TOLERANCE = 0.005  # fraction of dots allowed to differ from the golden


def _differing(a: Image.Image, b: Image.Image) -> float:
    assert a.size == b.size, (a.size, b.size)
    return float(np.mean(np.asarray(a, dtype=bool) != np.asarray(b, dtype=bool)))


def _check_golden(label: RenderedLabel, name: str) -> None:
    path = GOLDEN / f"{name}.png"
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"missing golden {path}; run with PACKSTATION_UPDATE_GOLDENS=1")
        GOLDEN.mkdir(exist_ok=True)
        label.image.save(path, optimize=True)
        pytest.skip(f"golden written: {path}")
    with Image.open(path) as golden:
        diff = _differing(label.image, golden.convert("1"))
    assert diff <= TOLERANCE, f"{name}: {diff:.4f} of dots differ from {path}"


@pytest.mark.parametrize("size", LABEL_SIZES)
@pytest.mark.parametrize("kind", ["plain", "priority"])
def test_label_matches_its_golden_image(
    size: str, kind: str, request: pytest.FixtureRequest,
) -> None:
    label = render_waybill(request.getfixturevalue(kind), size=size, dpi=203)
    _check_golden(label, f"waybill_{size}_{kind}")


@pytest.mark.parametrize("size", LABEL_SIZES)
def test_priority_label_differs_from_plain_by_a_large_inverse_block(
    size: str, plain: WaybillData, priority: WaybillData,
) -> None:
    pri = render_waybill(priority, size=size, dpi=203)
    pln = render_waybill(plain, size=size, dpi=203)
    ((start, stop),) = pri.red_bands
    block = ~np.asarray(pri.image, dtype=bool)[start:stop]
    margin = max(1, pri.image.width // 60)
    assert block[:, margin:-margin].mean() > 0.6  # mostly black: white on black
    assert (stop - start) / pri.image.width > 0.15  # a band, not a line
    assert pln.red_bands == ()
    assert not any(name == "priority" for name, _, _ in pln.bands)
    assert "杭" in pri.text() and "2日达" in pri.text()
    assert "2日达" not in pln.text()
    if pri.image.size == pln.image.size:  # fixed sizes: same canvas, other layout
        assert _differing(pri.image, pln.image) > 0.03
    else:  # continuous paper grows by the block
        assert pri.image.height - pln.image.height >= stop - start - 2
