"""Barcode readiness before the sale: which products in the waiting orders cannot be scanned.

A product blocks packing when its units carry nothing the bench can look up uniquely:
  * `no_barcode`: no code but its own SKU text (the importer registers the SKU text for
    every product, but nothing on the unit carries it) and no SKU labels printed for it yet;
  * `ambiguous_code`: one of its codes also stands for another product;
  * `invalid_check_digit`: a code that looks like an EAN-13, EAN-8 or UPC-A (13, 8 or 12
    digits) whose GS1 check digit is wrong: the printed symbol cannot carry it.
The catalogue is read whole (thousands of rows, cheap); the order lines are read only for
the products with a problem, through a covering index on `order_lines` (sku, order_id,
quantity), so the check stays fast over a million orders.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Connection, func, select

from packstation.domain.codes import gtin_check_digit_ok
from packstation.domain.orders import OrderStatus
from packstation.domain.readiness import (
    BlockedSku,
    Problem,
    ReadinessReport,
    looks_like_gtin,
)
from packstation.services.bulk import matching
from packstation.storage.database import Database
from packstation.storage.tables import AuditRecord, Barcode, Order, OrderLine, Product

SKU_LABELS_PRINTED = "sku_labels_printed"  # audit action: SKU labels went to a printer


def barcode_readiness(db: Database) -> ReadinessReport:
    """Products in packable orders that cannot be scanned, ranked by waiting units."""
    with db.transaction() as conn:
        products = {pid: (sku, title) for pid, sku, title in conn.execute(
            select(Product.id, Product.sku, Product.title)
        )}
        codes: dict[int, list[str]] = defaultdict(list)
        owners: dict[str, set[int]] = defaultdict(set)
        for code, pid in conn.execute(select(Barcode.code, Barcode.product_id)):
            codes[pid].append(code)
            owners[code].add(pid)
        labelled = set(
            conn.scalars(select(AuditRecord.target).where(AuditRecord.action == SKU_LABELS_PRINTED))
        )
        suspects = {
            pid: _problems(sku, codes.get(pid, []), owners, pid, sku in labelled)
            for pid, (sku, _title) in products.items()
        }
        suspects = {pid: found for pid, found in suspects.items() if found[0]}
        waiting = _waiting(conn, [products[pid][0] for pid in suspects])
    blocked = []
    for pid, (problems, shared, invalid) in suspects.items():
        sku, title = products[pid]
        units, orders = waiting.get(sku, (0, 0))
        if units == 0:
            continue
        others = sorted({products[o][0] for c in shared for o in owners[c] if o != pid})
        blocked.append(
            BlockedSku(
                sku, title, problems, tuple(sorted(codes.get(pid, []))), tuple(sorted(shared)),
                tuple(others), tuple(sorted(invalid)), units, orders,
            )
        )
    blocked.sort(key=lambda b: (-b.waiting_units, b.sku))
    return ReadinessReport(len(products), tuple(blocked))


def _problems(
    sku: str, codes: list[str], owners: dict[str, set[int]], pid: int, labelled: bool
) -> tuple[tuple[Problem, ...], list[str], list[str]]:
    problems: list[Problem] = []
    if not labelled and not any(code != sku for code in codes):
        problems.append(Problem.NO_BARCODE)
    shared = [code for code in codes if len(owners[code]) > 1]
    if shared:
        problems.append(Problem.AMBIGUOUS_CODE)
    invalid = [c for c in codes if looks_like_gtin(c) and not gtin_check_digit_ok(c)]
    if invalid:
        problems.append(Problem.INVALID_CHECK_DIGIT)
    return tuple(problems), shared, invalid


def _waiting(conn: Connection, skus: Iterable[str]) -> dict[str, tuple[int, int]]:
    """(units, orders) waiting in packable orders, per SKU, for the given SKUs only.

    Driven from the lines (covering index ix_order_lines_sku_order: sku, order_id,
    quantity), each line's order found by primary key. The status is compared as an
    expression (`status || ''`) so that no planner starts from the orders' status index
    instead: SQLite does, and then walks most of a million orders (seconds, not
    milliseconds).
    """
    result: dict[str, tuple[int, int]] = {}
    for where in matching(conn, OrderLine.sku, list(skus)):
        query = (
            select(OrderLine.sku, func.sum(OrderLine.quantity), func.count(func.distinct(Order.id)))
            .select_from(OrderLine)
            .join(Order, Order.id == OrderLine.order_id)
            .where(
                where,
                (Order.status + "") == OrderStatus.PAID.value,
                Order.intercept_reason.is_(None),
            )
            .group_by(OrderLine.sku)
        )
        for sku, units, orders in conn.execute(query):
            result[sku] = (int(units or 0), int(orders))
    return result
