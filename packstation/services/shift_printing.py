"""Where the shift tools meet the printer: SKU labels and the manifest's thermal summary.

Both go straight to the bench printer through the core's `PrinterPort` (the same port the
print worker uses), not through the `print_jobs` outbox: that table holds one waybill per
order (`order_id` NOT NULL, the worker renders waybills only) and is being reworked. This
is the one module to re-point at a queue job kind once the outbox carries other documents.

Printing SKU labels records, after the labels went out, the SKU text as the product's
barcode if it had none, and an audit record `sku_labels_printed` (which also takes the
product off the readiness list's "no barcode").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select

from packstation.domain.codes import case_folded
from packstation.domain.manifests import ManifestDocument
from packstation.errors import UserError
from packstation.labels.manifest_summary import render_manifest_summary
from packstation.labels.sku_label import render_sku_label
from packstation.services.audit import record_audit
from packstation.services.printer_port import PrinterPort
from packstation.services.readiness import SKU_LABELS_PRINTED
from packstation.storage.database import Database
from packstation.storage.tables import Barcode, Product

MAX_COPIES = 10_000  # a typo guard: a roll holds ~1,000 labels


@dataclass(frozen=True, slots=True)
class SkuLabelRequest:
    sku: str
    copies: int


@dataclass(frozen=True, slots=True)
class SkuLabelResult:
    sku: str
    printed: int
    barcode_recorded: bool


def print_sku_labels(
    db: Database,
    port: PrinterPort,
    requests: Sequence[SkuLabelRequest],
    actor: str,
    *,
    size: str = "100x150",
    dpi: int = 203,
) -> list[SkuLabelResult]:
    """Print each SKU's labels, then record its SKU text as a barcode if it had none.

    A printer error stops the run: what printed so far is recorded and audited, the error
    is raised (it says how far it got)."""
    titles = _titles(db, [r.sku for r in requests])
    for r in requests:
        if r.sku not in titles:
            raise UserError(f"找不到商品 {r.sku}", f"no product with SKU {r.sku}")
        if not 1 <= r.copies <= MAX_COPIES:
            raise UserError(
                f"{r.sku} 的份数 {r.copies} 无效（1–{MAX_COPIES}）",
                f"{r.copies} copies of {r.sku} is not valid (1-{MAX_COPIES})",
            )
    results = []
    for r in requests:
        image = render_sku_label(r.sku, titles[r.sku], size, dpi).image
        printed = 0
        try:
            for n in range(r.copies):
                port.print_label(image, (), f"sku:{r.sku}#{n + 1}")
                printed += 1
        finally:
            if printed:
                results.append(_record(db, r.sku, printed, actor, size))
    return results


def _titles(db: Database, skus: Sequence[str]) -> dict[str, str]:
    with db.transaction() as conn:
        return dict(
            conn.execute(select(Product.sku, Product.title).where(Product.sku.in_(skus))).all()
        )


def _record(db: Database, sku: str, printed: int, actor: str, size: str) -> SkuLabelResult:
    with db.transaction() as conn:
        product_id = conn.scalar(select(Product.id).where(Product.sku == sku))
        has_code = conn.scalar(
            select(Barcode.id).where(Barcode.product_id == product_id, Barcode.code == sku)
        )
        if has_code is None:
            conn.execute(
                insert(Barcode).values(
                    code=sku, code_folded=case_folded(sku), product_id=product_id, units=1
                )
            )
        record_audit(
            conn, actor, SKU_LABELS_PRINTED, sku,
            {"labels": printed, "size": size, "barcode_recorded": has_code is None,
             "at": datetime.now(UTC).isoformat()},
        )
    return SkuLabelResult(sku, printed, has_code is None)


def print_manifest_summary(port: PrinterPort, doc: ManifestDocument, dpi: int = 203) -> None:
    """The manifest's short summary on the bench's thermal printer."""
    image = render_manifest_summary(doc, dpi)
    port.print_label(image, (), f"manifest:{doc.manifest_no or 'draft'}")
