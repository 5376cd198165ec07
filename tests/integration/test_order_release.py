"""Releasing an intercepted order sends the label the intercept held back."""

from __future__ import annotations

from packstation.bootstrap import printer_for
from packstation.services.orders import release_order
from packstation.services.printing import PrintWorker
from packstation.services.users import add_user
from packstation.storage.database import Database
from tests.factories import TEE, load, order
from tests.integration.test_print_support import Clock, job, job_error, pack_one


def test_a_label_held_by_an_intercept_prints_once_the_order_is_released(db: Database) -> None:
    add_user(db, "boss", "supervisor", "2468")
    job_id = pack_one(db, "T10", waybill_no="YT10")
    load(db, order("T10", TEE, waybill_no="YT10", address="浙江省 杭州市 西湖区 文三路 1号"))
    port, clock = printer_for("mock"), Clock()
    worker = PrintWorker(db, lambda spec: port, clock=clock, default_spec="mock")
    assert [o.error_code for o in worker.run_once().outcomes] == ["intercepted"]
    assert job(db, job_id).state == "held"
    assert job_error(db, job_id).code == "intercepted"
    released = release_order(db, "T10", "new address confirmed by phone", "boss", "2468")
    assert (released.status, released.was, released.jobs_requeued) == (
        "packed",
        "address_changed",
        1,
    )
    assert [o.state for o in worker.run_once().outcomes] == ["printed"]
    assert job(db, job_id).state == "printed"
    assert len(port.printer.transport.printed_labels) == 1
