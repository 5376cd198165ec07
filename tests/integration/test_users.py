"""Supervisor authority and wrong-PIN throttling, on both databases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from packstation.domain.users import Role
from packstation.services import users
from packstation.services.users import (
    PIN_FAILED,
    PermissionDeniedError,
    ThrottledError,
    UserExistsError,
    UserInfo,
    add_user,
    authenticate,
    pin_alerts,
    require_supervisor,
    user_for_badge,
)
from packstation.storage.database import Database
from packstation.storage.tables import AuditRecord
from tests.integration.helpers import WAIT_S

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 11, 8, 0, tzinfo=UTC)


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def wrong_pins(db: Database, name: str, times: int, clock: Clock, bench: str | None = None) -> None:
    for _ in range(times):
        with pytest.raises(PermissionDeniedError) as caught:
            authenticate(db, name, "9999", bench=bench, clock=clock)
        assert not isinstance(caught.value, ThrottledError)


# -- who may make a supervisor ---------------------------------------------------------


def test_the_first_supervisor_needs_no_one_and_the_second_needs_the_first(db: Database) -> None:
    assert add_user(db, "boss", "supervisor", "2468") == "created"
    add_user(db, "pat", "packer", "1357")  # packers need no authority
    with pytest.raises(PermissionDeniedError, match="supervisor"):
        add_user(db, "mallory", "supervisor", "1111")
    with pytest.raises(PermissionDeniedError):
        add_user(db, "mallory", "supervisor", "1111", supervisor="boss", supervisor_pin="0000")
    with pytest.raises(PermissionDeniedError):  # a packer cannot make a supervisor
        add_user(db, "mallory", "supervisor", "1111", supervisor="pat", supervisor_pin="1357")
    assert users.find_user(db, "mallory") is None
    add_user(db, "lin", "supervisor", "3579", supervisor="boss", supervisor_pin="2468")
    assert require_supervisor(db, "lin", "3579") == "lin"


def test_promoting_a_packer_needs_a_supervisor_and_keeps_their_pin(db: Database) -> None:
    add_user(db, "boss", "supervisor", "2468")
    add_user(db, "pat", "packer", "1357")
    with pytest.raises(PermissionDeniedError):
        add_user(db, "pat", "supervisor", None)
    assert users.find_user(db, "pat") == UserInfo("pat", Role.PACKER)
    outcome = add_user(db, "pat", "supervisor", None, supervisor="boss", supervisor_pin="2468")
    assert outcome == "promoted"
    assert require_supervisor(db, "pat", "1357") == "pat"
    with db.session() as session:
        actions = session.execute(
            select(AuditRecord.actor, AuditRecord.action, AuditRecord.target).where(
                AuditRecord.action.in_(("user_added", "user_promoted"))
            )
        ).all()
    assert ("boss", "user_promoted", "pat") in actions
    with pytest.raises(UserExistsError):  # already a supervisor; a packer stays one
        add_user(db, "pat", "supervisor", None, supervisor="boss", supervisor_pin="2468")


def test_two_first_supervisors_at_once_make_one_supervisor(db: Database) -> None:
    results: list[str] = []

    def add(name: str) -> None:
        try:
            results.append(add_user(db, name, "supervisor", "2468"))
        except PermissionDeniedError:
            results.append("denied")

    threads = [threading.Thread(target=add, args=(f"boss{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT_S)
    assert sorted(results) == ["created", "denied", "denied", "denied"]


def test_the_cli_refuses_a_second_supervisor_without_credentials(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from packstation.cli import main

    add = ["--db", db_url, "user", "add"]
    assert main([*add, "boss", "--role", "supervisor", "--pin", "2468"]) == 0
    argv = [*add, "eve", "--role", "supervisor", "--pin", "1111"]
    assert main(argv) == 1
    assert "supervisor" in capsys.readouterr().err
    assert main([*argv, "--supervisor", "boss", "--supervisor-pin", "2468"]) == 0
    assert "eve" in capsys.readouterr().out


# -- wrong PINs -------------------------------------------------------------------------


def test_after_five_wrong_pins_each_try_waits_longer_even_with_the_right_pin(
    db: Database,
) -> None:
    add_user(db, "boss", "supervisor", "2468")
    clock = Clock()
    wrong_pins(db, "boss", 5, clock)
    clock.advance(1)
    with pytest.raises(ThrottledError) as caught:
        authenticate(db, "boss", "2468", clock=clock)
    assert caught.value.seconds == 4  # 5 s after the fifth wrong PIN
    clock.advance(4)
    wrong_pins(db, "boss", 1, clock)  # the sixth: now 10 s
    clock.advance(9)
    with pytest.raises(ThrottledError) as caught:
        authenticate(db, "boss", "2468", clock=clock)
    assert caught.value.seconds == 1
    clock.advance(1)
    wrong_pins(db, "boss", 1, clock)  # the seventh: 20 s
    for _ in range(20):  # ... and it never grows past the cap
        clock.advance(users.THROTTLE.cap_s)
        wrong_pins(db, "boss", 1, clock)
    clock.advance(users.THROTTLE.cap_s - 1)
    with pytest.raises(ThrottledError) as caught:
        authenticate(db, "boss", "2468", clock=clock)
    assert caught.value.seconds == 1
    clock.advance(1)
    assert authenticate(db, "boss", "2468", clock=clock) == UserInfo("boss", Role.SUPERVISOR)
    wrong_pins(db, "boss", 5, clock)  # the right PIN started the count again


def test_an_unknown_name_is_checked_against_a_hash_and_throttled_like_a_known_one(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_user(db, "boss", "supervisor", "2468")
    checked: list[str] = []
    real = users.pin_matches
    monkeypatch.setattr(
        users, "pin_matches", lambda pin, stored: checked.append(stored) or real(pin, stored)
    )
    clock = Clock()
    wrong_pins(db, "boss", 5, clock)
    wrong_pins(db, "ghost", 5, clock)
    assert len(checked) == 10 and len(set(checked[5:])) == 1
    assert checked[5].startswith("scrypt$") and checked[5] != checked[0]
    for name in ("boss", "ghost"):
        with pytest.raises(ThrottledError) as caught:
            authenticate(db, name, "2468", clock=clock)
        assert caught.value.seconds == 5
    assert len(checked) == 10  # a throttled try checks nothing


def test_parallel_guesses_get_one_try_per_opening_of_the_wait(db: Database) -> None:
    add_user(db, "boss", "supervisor", "2468")
    clock = Clock()
    wrong_pins(db, "boss", 5, clock)
    clock.advance(60)  # the wait is over: exactly one of these may try
    outcomes: list[str] = []

    def guess() -> None:
        try:
            authenticate(db, "boss", "1111", clock=clock)
        except ThrottledError:
            outcomes.append("throttled")
        except PermissionDeniedError:
            outcomes.append("checked")

    threads = [threading.Thread(target=guess) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT_S)
    assert sorted(outcomes) == ["checked"] + ["throttled"] * 5


def test_wrong_pins_are_audited_with_their_bench_and_shown_to_the_dashboard(
    db: Database,
) -> None:
    add_user(db, "boss", "supervisor", "2468")
    clock = Clock()
    wrong_pins(db, "boss", 4, clock, bench="B1")
    wrong_pins(db, "boss", 1, clock, bench="B2")
    clock.advance(5)
    wrong_pins(db, "boss", 1, clock, bench="B2")
    wrong_pins(db, "ghost", 1, clock)
    with db.session() as session:
        rows = session.execute(
            select(AuditRecord.target, AuditRecord.bench, AuditRecord.detail, AuditRecord.at)
            .where(AuditRecord.action == PIN_FAILED)
            .order_by(AuditRecord.id)
        ).all()
    assert [(r.target, r.bench) for r in rows] == [("boss", "B1")] * 4 + [
        ("boss", "B2")
    ] * 2 + [("ghost", None)]
    assert json.loads(rows[5].detail) == {"failures": 6}
    assert rows[0].at == T0
    clock.advance(3)
    alerts = pin_alerts(db, since=T0 - timedelta(hours=1), clock=clock)
    assert [(t.name, t.failures, t.wait_s) for t in alerts.throttled] == [("boss", 6, 7)]
    assert [(b.bench, b.failures) for b in alerts.failures_by_bench] == [
        ("B1", 4),
        ("B2", 2),
        (None, 1),
    ]
    assert pin_alerts(db, since=T0 + timedelta(hours=1), clock=clock).failures_by_bench == ()


def test_the_wait_holds_for_another_process(db_url: str) -> None:
    db = Database.from_url(db_url)
    try:
        add_user(db, "boss", "supervisor", "2468")
        clock = _real_clock()
        wrong_pins(db, "boss", 5, clock)
        for wait in (5, 10, 20):  # the next try waits 40 s: longer than a slow start
            clock.advance(wait)
            wrong_pins(db, "boss", 1, clock)
    finally:
        db.dispose()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "packstation",
            "--db",
            db_url,
            "user",
            "add",
            "lin",
            "--role",
            "supervisor",
            "--pin",
            "3579",
            "--supervisor",
            "boss",
            "--supervisor-pin",
            "2468",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PACKSTATION_DB": ""},
    )
    assert result.returncode == 1, result.stderr
    assert "try again in" in result.stderr and "Traceback" not in result.stderr


def _real_clock() -> Clock:
    clock = Clock()
    clock.now = datetime.now(UTC)
    return clock


# -- badges -----------------------------------------------------------------------------


def test_a_badge_names_its_user_and_two_users_cannot_share_one(db: Database) -> None:
    add_user(db, "pat", "packer", "1357", badge="BADGE-0042")
    assert user_for_badge(db, " BADGE-0042\r\n") == UserInfo("pat", Role.PACKER)
    assert user_for_badge(db, "BADGE-0043") is None
    assert user_for_badge(db, "") is None
    with pytest.raises(users.UserError, match="badge"):
        add_user(db, "sam", "packer", "2222", badge="BADGE-0042")
    with pytest.raises(users.UserError, match="badge"):
        add_user(db, "sam", "packer", "2222", badge="ab\x00cd")
    with db.session() as session:
        stored = session.scalars(select(users.User.badge_hash)).all()
    assert "BADGE-0042" not in stored and len([s for s in stored if s]) == 1


def test_names_no_user_can_have_are_refused_like_unknown_ones(db: Database) -> None:
    for name in ("", "x" * 201, "bo\x00ss", "boss\n2"):
        with pytest.raises(PermissionDeniedError):
            authenticate(db, name, "2468")
        with pytest.raises(users.UserError):
            add_user(db, name, "packer", "2468")
