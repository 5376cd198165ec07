"""The order fingerprint is stored: its layout must never drift between versions.

A database filled by an older PackStation keeps that version's fingerprints; if the
layout changed, every order of the next download would look changed (and every started
or packed one would be intercepted). So the value is pinned to its documented layout:
blake2b-128 of the destination fields joined by US, then of the lines as `sku US qty`
sorted by (sku, qty) and joined by RS.
"""

from __future__ import annotations

import hashlib

from packstation.importers.records import ImportedLine, ImportedOrder, OrderStatus
from packstation.services.order_store import fingerprint

ORDER = ImportedOrder(
    "T1", "taobao", OrderStatus.PAID, "张三", "138****0000",
    "浙江省 杭州市 西湖区 文三路 1号", "浙江省", "", "",
    lines=(ImportedLine("SKU-B", "b", 2), ImportedLine("SKU-AB", "ab", 3),
           ImportedLine("SKU-A", "a", 1)),
)  # fmt: skip


def _blake(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


DESTINATION = _blake("张三\x1f138****0000\x1f浙江省 杭州市 西湖区 文三路 1号\x1f浙江省\x1f\x1f")


def test_several_lines_are_sorted_by_sku_before_hashing() -> None:
    lines = "SKU-A\x1f1\x1eSKU-AB\x1f3\x1eSKU-B\x1f2"
    assert fingerprint(ORDER) == DESTINATION + _blake(lines)


def test_one_line_and_no_lines_hash_the_same_layout() -> None:
    assert fingerprint(ORDER._replace(lines=ORDER.lines[:1])) == DESTINATION + _blake("SKU-B\x1f2")
    assert fingerprint(ORDER._replace(lines=())) == DESTINATION + _blake("")


def test_the_line_order_in_the_file_does_not_matter_and_a_quantity_does() -> None:
    reordered = ORDER._replace(lines=tuple(reversed(ORDER.lines)))
    assert fingerprint(reordered) == fingerprint(ORDER)
    more = ORDER._replace(lines=(ORDER.lines[0]._replace(quantity=5), *ORDER.lines[1:]))
    assert fingerprint(more)[:32] == DESTINATION
    assert fingerprint(more)[32:] != fingerprint(ORDER)[32:]
