"""Users, badges, and the PIN check that guards every supervisor override.

Every PIN check goes through `authenticate`: it keeps the count of wrong PINs in a row per
name in the database (so the wait holds across processes and benches), audits each wrong
PIN with its bench, and checks an unknown name against a dummy hash so it costs the same
time as a known one. Tries for one name are serialised (the name's throttle row is locked
for the check), so parallel guesses do not slip through one opening of the wait.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, select, text, update

from packstation.domain.users import (
    PinThrottle,
    Role,
    badge_hash,
    dummy_pin_hash,
    hash_pin,
    normal_badge,
    pin_matches,
    valid_badge,
    valid_pin,
)
from packstation.errors import UserError
from packstation.services.audit import record_audit
from packstation.storage.conflicts import insert_unless_exists
from packstation.storage.database import Database
from packstation.storage.tables import AuditRecord, LoginThrottle, User

THROTTLE = PinThrottle()
PIN_FAILED = "pin_failed"  # the audit action of a wrong PIN
USER_ADDED, USER_PROMOTED = "user_added", "user_promoted"
#: Audit actions about people (sign-in and accounts), as against overrides of the work.
USER_ACTIONS = (PIN_FAILED, USER_ADDED, USER_PROMOTED)


class UserExistsError(UserError):
    """A second user with a name already taken."""


class PermissionDeniedError(UserError):
    """A supervisor-only action without a supervisor's name and PIN."""


class ThrottledError(PermissionDeniedError):
    """Too many wrong PINs for this name in a row: try again in `seconds`."""

    def __init__(self, name: str, seconds: int) -> None:
        super().__init__(
            f"{name} 的 PIN 连续输错次数过多，请 {seconds} 秒后再试",
            f"too many wrong PINs for {name}: try again in {seconds} s",
        )
        self.name = name
        self.seconds = seconds


@dataclass(frozen=True, slots=True)
class UserInfo:
    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class ThrottledName:
    """A name whose next PIN try has to wait; `wait_s` is what is left of the wait now."""

    name: str
    failures: int
    wait_s: int


@dataclass(frozen=True, slots=True)
class BenchPinFailures:
    bench: str | None  # None: tried from the command line or another tool
    failures: int


@dataclass(frozen=True, slots=True)
class PinAlerts:
    """For the supervisor dashboard: who is being locked out, and where PINs go wrong."""

    throttled: tuple[ThrottledName, ...]
    failures_by_bench: tuple[BenchPinFailures, ...]


def utcnow() -> datetime:
    return datetime.now(UTC)


_DENIED = ("姓名或 PIN 不正确", "wrong name or PIN")
_NEED_SUPERVISOR = ("需要主管账号和正确的 PIN", "a supervisor name and correct PIN are required")
_THROTTLE_ROW = insert_unless_exists(LoginThrottle, [LoginThrottle.name], LoginThrottle.name)


def authenticate(
    db: Database,
    name: str,
    pin: str,
    *,
    bench: str | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> UserInfo:
    """The user when name and PIN match; PermissionDeniedError when they do not, or
    ThrottledError (with the seconds to wait) while wrong PINs in a row make it wait."""
    name = name.strip()
    if not _storable_name(name):  # no user has it, and it cannot key a throttle row
        pin_matches(pin, dummy_pin_hash())
        raise PermissionDeniedError(*_DENIED)
    with db.transaction() as conn:
        failures, last_failure = _locked_throttle(conn, name)
        now = clock()
        if last_failure is not None:
            opens = last_failure + timedelta(seconds=THROTTLE.wait_s(failures))
            if now < opens:
                raise ThrottledError(name, math.ceil((opens - now).total_seconds()))
        user = conn.execute(select(User.name, User.role, User.pin_hash).where(User.name == name))
        row = user.first()
        matched = pin_matches(pin, row.pin_hash if row else dummy_pin_hash()) and row is not None
        if matched:
            conn.execute(delete(LoginThrottle).where(LoginThrottle.name == name))
        else:
            conn.execute(
                update(LoginThrottle)
                .where(LoginThrottle.name == name)
                .values(failures=failures + 1, last_failure_at=now)
            )
            record_audit(
                conn, name, PIN_FAILED, name, {"failures": failures + 1}, bench=bench, at=now
            )
    if not matched or row is None:
        raise PermissionDeniedError(*_DENIED)
    return UserInfo(row.name, Role(row.role))


def _storable_name(name: str) -> bool:
    return 0 < len(name) <= 200 and name.isprintable()


def _locked_throttle(conn: Connection, name: str) -> tuple[int, datetime | None]:
    """The name's wrong PINs in a row and when the last was, its row locked till commit."""
    conn.execute(_THROTTLE_ROW[conn.dialect.name], {"name": name, "failures": 0})
    row = conn.execute(
        select(LoginThrottle.failures, LoginThrottle.last_failure_at)
        .where(LoginThrottle.name == name)
        .with_for_update()
    ).one()
    return row.failures, row.last_failure_at


def require_supervisor(db: Database, name: str, pin: str, *, bench: str | None = None) -> str:
    """The supervisor's name when name and PIN match a supervisor; else PermissionDenied
    (ThrottledError while wrong PINs make the name wait)."""
    try:
        user = authenticate(db, name, pin, bench=bench)
    except ThrottledError:
        raise
    except PermissionDeniedError:
        raise PermissionDeniedError(*_NEED_SUPERVISOR) from None
    if user.role is not Role.SUPERVISOR:
        raise PermissionDeniedError(*_NEED_SUPERVISOR)
    return user.name


def find_user(db: Database, name: str) -> UserInfo | None:
    with db.transaction() as conn:
        row = conn.execute(select(User.name, User.role).where(User.name == name.strip())).first()
    return UserInfo(row.name, Role(row.role)) if row else None


def user_for_badge(db: Database, code: str) -> UserInfo | None:
    """Who a scanned badge belongs to (badge login at the bench), or None.

    A badge says who is at the bench; supervisor overrides still need the PIN.
    """
    code = normal_badge(code)
    if not valid_badge(code):
        return None
    with db.transaction() as conn:
        row = conn.execute(
            select(User.name, User.role).where(User.badge_hash == badge_hash(code))
        ).first()
    return UserInfo(row.name, Role(row.role)) if row else None


def add_user(
    db: Database,
    name: str,
    role: str,
    pin: str | None,
    *,
    badge: str | None = None,
    supervisor: str | None = None,
    supervisor_pin: str | None = None,
    bench: str | None = None,
) -> str:
    """Add a user, or promote a packer to supervisor; "created" or "promoted".

    Creating or promoting a supervisor takes an existing supervisor's name and PIN, except
    for the first supervisor of a database that has none. A promoted packer keeps their
    PIN unless `pin` is given.
    """
    name = name.strip()
    if not _storable_name(name):
        raise UserError(
            "用户名不能为空，且不超过 200 个可打印字符",
            "user name must be 1-200 printable characters",
        )
    try:
        role_value = Role(role)
    except ValueError:
        raise UserError(
            f"未知角色：{role}（packer 或 supervisor）",
            f"unknown role: {role} (packer or supervisor)",
        ) from None
    if pin is not None and not valid_pin(pin):
        raise UserError("PIN 必须是 4 到 12 位数字", "PIN must be 4 to 12 digits")
    if badge is not None and not valid_badge(normal_badge(badge)):
        raise UserError(
            "工牌码必须是 4 到 128 个可打印 ASCII 字符",
            "a badge code must be 4-128 printable ASCII characters",
        )
    actor = None
    if supervisor is not None:
        actor = require_supervisor(db, supervisor, supervisor_pin or "", bench=bench)
    with db.transaction() as conn:
        if role_value is Role.SUPERVISOR:
            _serialise_supervisor_changes(conn)
        existing = conn.execute(select(User.id, User.role).where(User.name == name)).first()
        if existing is not None and (
            existing.role == Role.SUPERVISOR or role_value is not Role.SUPERVISOR
        ):
            raise UserExistsError(f"用户已存在：{name}", f"user already exists: {name}")
        if role_value is Role.SUPERVISOR and actor is None and _supervisor_count(conn) > 0:
            raise PermissionDeniedError(
                "添加或提升主管需要一位现有主管的姓名和 PIN（--supervisor NAME）",
                "adding or promoting a supervisor needs an existing supervisor's name "
                "and PIN (--supervisor NAME)",
            )
        badge_value = None if badge is None else badge_hash(badge)
        if badge_value is not None:
            _check_badge_free(conn, badge_value, existing.id if existing else None)
        if existing is not None:
            values: dict[str, object] = {"role": role_value.value}
            if pin is not None:
                values["pin_hash"] = hash_pin(pin)
            if badge_value is not None:
                values["badge_hash"] = badge_value
            conn.execute(update(User).where(User.id == existing.id).values(**values))
            record_audit(
                conn, actor or name, USER_PROMOTED, name, {"role": role_value.value}, bench=bench
            )
            return "promoted"
        if pin is None:
            raise UserError("新用户需要 PIN", "a new user needs a PIN")
        conn.execute(
            insert(User).values(
                name=name,
                role=role_value.value,
                pin_hash=hash_pin(pin),
                badge_hash=badge_value,
                created_at=utcnow(),
            )
        )
        detail = {"role": role_value.value, "badge": badge_value is not None}
        record_audit(conn, actor or name, USER_ADDED, name, detail, bench=bench)
    return "created"


def _serialise_supervisor_changes(conn: Connection) -> None:
    """Two "first supervisors" at once must not both see an empty table: PostgreSQL locks
    the users table against other writers here (SQLite's BEGIN IMMEDIATE already has)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"LOCK TABLE {User.__tablename__} IN SHARE ROW EXCLUSIVE MODE"))


def _supervisor_count(conn: Connection) -> int:
    return int(
        conn.scalar(select(func.count()).select_from(User).where(User.role == Role.SUPERVISOR))
        or 0
    )


def _check_badge_free(conn: Connection, hashed: str, user_id: int | None) -> None:
    owner = conn.scalar(select(User.id).where(User.badge_hash == hashed))
    if owner is not None and owner != user_id:
        raise UserError("此工牌码已被其他用户使用", "this badge code belongs to another user")


def pin_alerts(
    db: Database, *, since: datetime, clock: Callable[[], datetime] = utcnow
) -> PinAlerts:
    """Names whose next PIN try waits (most failures first), and wrong PINs per bench
    since `since` (audit records), for the supervisor dashboard."""
    now = clock()
    with db.transaction() as conn:
        throttled = conn.execute(
            select(LoginThrottle.name, LoginThrottle.failures, LoginThrottle.last_failure_at)
            .where(LoginThrottle.failures >= THROTTLE.free)
            .order_by(LoginThrottle.failures.desc(), LoginThrottle.name)
        ).all()
        per_bench = conn.execute(
            select(AuditRecord.bench, func.count())
            .where(AuditRecord.action == PIN_FAILED, AuditRecord.at >= since)
            .group_by(AuditRecord.bench)
            .order_by(func.count().desc())
        ).all()
    names = tuple(
        ThrottledName(name, failures, _left(last, failures, now))
        for name, failures, last in throttled
    )
    return PinAlerts(names, tuple(BenchPinFailures(b, int(n)) for b, n in per_bench))


def _left(last_failure: datetime | None, failures: int, now: datetime) -> int:
    if last_failure is None:
        return 0
    opens = last_failure + timedelta(seconds=THROTTLE.wait_s(failures))
    return max(0, math.ceil((opens - now).total_seconds()))
