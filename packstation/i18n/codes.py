"""Message codes: what the core raises and returns instead of sentences.

Each kind of code is a `StrEnum` deriving from `MessageCode` with its own namespace
(`class Verdict(MessageCode, namespace="verdict")`). Its members keep their plain values
(`"ok"`, stored in the database and printed in JSON); the catalogue knows each one as
`namespace.value` (`verdict.ok`), so two kinds may share a value (`verdict.not_found`,
`printer.not_found`). Declaring the class registers it: the registry is what the
catalogue test checks against, in both directions.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

_FAMILIES: dict[str, type[MessageCode]] = {}


class MessageCode(StrEnum):
    """Base of every enum whose members have a message in each language's catalogue."""

    __msgid_namespace__: str

    def __init_subclass__(cls, *, namespace: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        taken = _FAMILIES.get(namespace)
        if taken is not None and taken.__qualname__ != cls.__qualname__:
            raise ValueError(f"message namespace {namespace!r} is taken by {taken!r}")
        cls.__msgid_namespace__ = namespace
        _FAMILIES[namespace] = cls

    @property
    def msgid(self) -> str:
        """The catalogue's key for this code: `namespace.value`."""
        return f"{self.__msgid_namespace__}.{self.value}"


def code_families() -> dict[str, type[MessageCode]]:
    """Every kind of code declared so far, by namespace (import a module to declare its)."""
    return dict(_FAMILIES)


def msgid(code: MessageCode | str) -> str:
    """The catalogue key: a code's `namespace.value`, or a key as text (`printer.paper_end`)."""
    if isinstance(code, MessageCode):
        return code.msgid
    if "." not in code:
        raise ValueError(f"not a message code: {code!r} (expected namespace.value)")
    return code
