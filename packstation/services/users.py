"""Users and the supervisor check that guards every override."""

from __future__ import annotations

from sqlalchemy import select

from packstation.domain.users import Role, hash_pin, pin_matches, valid_pin
from packstation.errors import UserError
from packstation.storage.database import Database
from packstation.storage.tables import User


class UserExistsError(UserError):
    """A second user with a name already taken."""


class PermissionDeniedError(UserError):
    """A supervisor-only action without a supervisor's name and PIN."""


def add_user(db: Database, name: str, role: str, pin: str) -> None:
    name = name.strip()
    if not name or len(name) > 200:
        raise UserError("用户名不能为空，且不超过 200 个字符", "user name must be 1-200 characters")
    try:
        role_value = Role(role)
    except ValueError:
        raise UserError(
            f"未知角色：{role}（packer 或 supervisor）",
            f"unknown role: {role} (packer or supervisor)",
        ) from None
    if not valid_pin(pin):
        raise UserError("PIN 必须是 4 到 12 位数字", "PIN must be 4 to 12 digits")
    with db.session() as session:
        if session.scalar(select(User.id).where(User.name == name)) is not None:
            raise UserExistsError(f"用户已存在：{name}", f"user already exists: {name}")
        session.add(User(name=name, role=role_value.value, pin_hash=hash_pin(pin)))


def require_supervisor(db: Database, name: str, pin: str) -> str:
    """The supervisor's name when name and PIN match a supervisor; else PermissionDenied."""
    with db.session() as session:
        user = session.scalar(select(User).where(User.name == name))
    if user is None or user.role != Role.SUPERVISOR or not pin_matches(pin, user.pin_hash):
        raise PermissionDeniedError(
            "需要主管账号和正确的 PIN", "a supervisor name and correct PIN are required"
        )
    return user.name
