"""Carrier handover manifests on both databases: what is listed, closing, intercepted
parcels, reprints, and two supervisors closing at once (PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from packstation.errors import UserError
from packstation.importers.records import OrderStatus
from packstation.labels.manifest_pdf import render_manifest_pdf
from packstation.services import manifests
from packstation.services.manifests import (
    close_manifest,
    draft_manifest,
    list_manifests,
    load_manifest,
)
from packstation.storage.database import Database
from packstation.storage.tables import AuditRecord, Manifest, ManifestParcel
from tests.factories import MUG, load, order
from tests.integration.helpers import scan_all, station

MUG_CODE = "6930000000028"
ADDRESSES = {
    "M1": "四川省 成都市 武侯区 人民南路 1号",
    "M2": "北京市 朝阳区 建国路 88号",
    "M3": "上海市 浦东新区 世纪大道 100号",
    "M4": "北京市 海淀区 中关村大街 1号",
    "M5": "四川省 成都市 锦江区 春熙路 5号",
}


def mug_order(order_no: str, carrier: str = "YTO", **kw: object) -> object:
    return order(order_no, MUG, address=ADDRESSES.get(order_no, ADDRESSES["M1"]),
                 waybill_no=f"YT{order_no}000", **kw)._replace(carrier=carrier)


def pack(db: Database, *order_nos: str, bench: str = "A") -> None:
    packing = station(db, bench, print_on_completion=False)
    for order_no in order_nos:
        verdicts = scan_all(packing, order_no, MUG_CODE)
        assert verdicts[0].value == "order_opened", verdicts


@pytest.fixture
def packed(db: Database) -> Database:
    """M1-M5 packed for YTO, Z1 packed for ZTO, W1 waiting (not packed)."""
    load(db, *(mug_order(n) for n in ADDRESSES), mug_order("Z1", "ZTO"), mug_order("W1"))
    pack(db, *ADDRESSES, "Z1")
    return db


def test_draft_lists_the_carriers_packed_parcels_priority_cities_first(packed: Database) -> None:
    doc = draft_manifest(packed, "yto")
    assert doc.manifest_no is None and not doc.closed
    assert doc.carrier == "YTO" and doc.carrier_name == "圆通速递"
    assert [p.order_no for p in doc.parcels] == ["M2", "M4", "M3", "M1", "M5"]
    assert [(d.city, d.mark, d.parcels) for d in doc.destinations] == [
        ("北京市", "京", 2), ("上海市", "沪", 1), ("成都市", None, 2),
    ]
    assert doc.parcels[0].waybill_no == "YTM2000"
    assert draft_manifest(packed, "ZTO").parcels[0].order_no == "Z1"
    assert not draft_manifest(packed, "SF").parcels


def test_closing_hands_the_parcels_over_once(packed: Database) -> None:
    doc = close_manifest(packed, "YTO", "boss", now=datetime(2026, 11, 11, 18, 0, tzinfo=UTC))
    assert doc.manifest_no is not None and doc.manifest_no.startswith("MF20261111")
    assert doc.closed_by == "boss" and len(doc.parcels) == 5
    assert draft_manifest(packed, "YTO").parcels == ()
    with pytest.raises(UserError, match="no parcels are waiting"):
        close_manifest(packed, "YTO", "boss")
    assert list_manifests(packed, "YTO") == [doc.manifest_no]
    with packed.transaction() as conn:
        audit = conn.execute(select(AuditRecord.action, AuditRecord.target)).all()
    assert ("manifest_closed", doc.manifest_no) in audit
    # A parcel packed later goes on the next manifest.
    load(packed, mug_order("M6"))
    pack(packed, "M6")
    later = close_manifest(packed, "YTO", "boss")
    assert [p.order_no for p in later.parcels] == ["M6"]


def test_a_parcel_intercepted_after_packing_is_left_off_and_listed_apart(
    packed: Database,
) -> None:
    load(packed, mug_order("M3", status=OrderStatus.REFUNDED))  # refunded before the truck
    draft = draft_manifest(packed, "YTO")
    assert "M3" not in [p.order_no for p in draft.parcels]
    assert [(p.order_no, p.stop_reason) for p in draft.left_off] == [("M3", "refunded")]
    assert [d.city for d in draft.destinations] == ["北京市", "成都市"]
    closed = close_manifest(packed, "YTO", "boss")
    assert [p.order_no for p in closed.left_off] == ["M3"]
    assert b"YTM3000" in _pdf_text(closed)
    # Listed apart once: the next manifest does not list it again.
    load(packed, mug_order("M7"))
    pack(packed, "M7")
    assert close_manifest(packed, "YTO", "boss").left_off == ()


def test_a_reprint_is_the_same_document(packed: Database) -> None:
    closed = close_manifest(packed, "YTO", "boss")
    first = render_manifest_pdf(closed)
    load(packed, mug_order("M8"))  # what happens after closing does not change it
    pack(packed, "M8")
    again = load_manifest(packed, closed.manifest_no or "")
    assert again == closed
    assert render_manifest_pdf(again) == first


def test_a_parcel_cannot_be_handed_over_on_two_manifests(packed: Database) -> None:
    doc = close_manifest(packed, "YTO", "boss")
    with pytest.raises(IntegrityError), packed.transaction() as conn:
        other = conn.scalar(
            insert(Manifest).values(manifest_no="X", carrier="YTO", closed_by="x",
                                    closed_at=datetime.now(UTC)).returning(Manifest.id)
        )
        conn.execute(insert(ManifestParcel).values(
            manifest_id=other, order_id=doc.parcels[0].order_id, position=1,
            order_no="M2", waybill_no="YTM2000", province="", city="", left_off=False,
        ))


def test_two_supervisors_closing_at_once_never_share_a_parcel(
    packed: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if packed.dialect != "postgresql":
        pytest.skip("SQLite takes one writer at a time; the race needs PostgreSQL")
    calls: list[str] = []
    real_close_in = manifests.close_in

    def counted(conn: object, carrier: str, supervisor: str, *args: object) -> str:
        calls.append(supervisor)
        return real_close_in(conn, carrier, supervisor, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(manifests, "close_in", counted)
    a_listed, b_may_commit = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def supervisor_a() -> None:  # closes, then holds its transaction open
        with packed.transaction() as conn:
            outcome["a"] = real_close_in(conn, "YTO", "a", None, None)
            a_listed.set()
            b_may_commit.wait(10)

    def supervisor_b() -> None:
        try:
            outcome["b"] = close_manifest(packed, "YTO", "b")
        except UserError as exc:
            outcome["b"] = exc

    first = threading.Thread(target=supervisor_a)
    first.start()
    assert a_listed.wait(10)
    second = threading.Thread(target=supervisor_b)
    second.start()
    second.join(1.0)  # b read the same parcels and now waits on a's rows in the index
    assert second.is_alive()
    b_may_commit.set()
    first.join(10)
    second.join(10)
    assert isinstance(outcome["b"], UserError)  # nothing left once a's close committed
    assert calls == ["b", "b"]  # b's first insert failed on the constraint, then re-read
    a_doc = load_manifest(packed, str(outcome["a"]))
    assert sorted(p.order_no for p in a_doc.parcels) == ["M1", "M2", "M3", "M4", "M5"]
    with packed.transaction() as conn:
        handed = conn.scalars(
            select(ManifestParcel.order_id).where(ManifestParcel.left_off.is_(False))
        ).all()
    assert len(handed) == len(set(handed)) == 5


def _pdf_text(doc: object) -> bytes:
    """The PDF's text as pdftotext reads it (real text, not an image)."""
    import subprocess

    pdf = render_manifest_pdf(doc)  # type: ignore[arg-type]
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout


def test_the_packing_window_works_in_any_time_zone(packed: Database) -> None:
    cst = timezone(timedelta(hours=8))
    hour_ago = datetime.now(cst) - timedelta(hours=1)
    assert len(draft_manifest(packed, "YTO", since=hour_ago).parcels) == 5
    assert draft_manifest(packed, "YTO", until=hour_ago).parcels == ()
    later = datetime.now(cst) + timedelta(minutes=5)
    assert draft_manifest(packed, "YTO", since=later).parcels == ()
