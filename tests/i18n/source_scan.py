"""What the source says about message codes, read from its syntax tree (not by grepping).

- `legacy_sites()`: every `UserError(zh, en)` still built from two sentences: a call of
  `UserError` or of a subclass without its own `__init__` with two or more positional
  arguments, or `super().__init__(a, b)` inside a UserError subclass. Run
  `python -m tests.i18n.source_scan` to list them; the transitional legacy path in
  `packstation/errors.py` goes once the list is empty.
- `code_calls()`: every call that passes a code by name with its parameters
  (`UserError(ErrorCode.UNKNOWN_ORDER, order_no=…)`, `translate_all(Notice.X, langs, …)`),
  so a test can check the parameters against the catalogue's fields.
- `referenced_members()`: every `Family.MEMBER` attribute written in the source.
- `bilingual_literals()`: other sentences still built in code, found as string literals
  holding Chinese and " / " (the `中文 / English` join), outside docstrings and argparse
  `help=`/`description=` texts (`--help` stays bilingual). A heuristic, for the lead's
  conversion list: `python -m tests.i18n.source_scan --sentences`.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (ROOT / "packstation", ROOT / "ui", ROOT / "printers")
CODE_TAKERS = frozenset({"translate", "translate_all"})  # besides UserError and subclasses
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
_HELP_KEYWORDS = frozenset({"help", "description", "epilog"})


@dataclass(frozen=True, slots=True)
class Site:
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


@dataclass(frozen=True, slots=True)
class CodeCall:
    site: Site
    family: str  # the enum's class name, e.g. ErrorCode
    member: str  # e.g. UNKNOWN_ORDER
    params: frozenset[str] | None  # None: the call spreads **params, not checkable


def python_files(roots: Iterable[Path] = SOURCES) -> Iterator[Path]:
    for root in roots:
        yield from sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _trees(files: Iterable[Path]) -> list[tuple[Path, ast.Module]]:
    return [(f, ast.parse(f.read_text(encoding="utf-8"), str(f))) for f in files]


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _user_error_classes(trees: list[tuple[Path, ast.Module]]) -> dict[str, bool]:
    """UserError and its subclasses (by class name), each with whether it has an __init__."""
    classes = {"UserError": True}
    grown = True
    while grown:
        grown = False
        for _, tree in trees:
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.ClassDef)
                    and node.name not in classes
                    and any(_name(base) in classes for base in node.bases)
                ):
                    classes[node.name] = any(
                        isinstance(item, ast.FunctionDef) and item.name == "__init__"
                        for item in node.body
                    )
                    grown = True
    return classes


def legacy_sites(files: Iterable[Path] | None = None) -> list[Site]:
    trees = _trees(python_files() if files is None else files)
    classes = _user_error_classes(trees)
    found: list[Site] = []
    for path, tree in trees:
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            if cls.name in classes and cls.name != "UserError":
                found.extend(
                    Site(path, call.lineno)
                    for call in ast.walk(cls)
                    if isinstance(call, ast.Call) and _is_super_init(call) and len(call.args) >= 2
                )
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = _name(call.func)
            has_own_init = classes.get(name or "")
            if (name == "UserError" or has_own_init is False) and len(call.args) >= 2:
                found.append(Site(path, call.lineno))
    return sorted(set(found), key=lambda s: (str(s.path), s.line))


def _is_super_init(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "__init__"
        and isinstance(func.value, ast.Call)
        and _name(func.value.func) == "super"
    )


def code_calls(families: Iterable[str], files: Iterable[Path] | None = None) -> list[CodeCall]:
    """Calls of UserError (and subclasses), translate and translate_all whose first
    argument is `Family.MEMBER` of one of `families`."""
    wanted = set(families)
    trees = _trees(python_files() if files is None else files)
    takers = CODE_TAKERS | set(_user_error_classes(trees))
    calls: list[CodeCall] = []
    for path, tree in trees:
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            if _name(call.func) not in takers or not call.args:
                continue
            code = call.args[0]
            if not (isinstance(code, ast.Attribute) and _name(code.value) in wanted):
                continue
            spread = any(k.arg is None for k in call.keywords)
            params = None if spread else frozenset(k.arg for k in call.keywords if k.arg)
            family = _name(code.value) or ""
            calls.append(CodeCall(Site(path, call.lineno), family, code.attr, params))
    return calls


def referenced_members(family: str, files: Iterable[Path] | None = None) -> set[str]:
    """Members written as `Family.MEMBER` anywhere in the source."""
    return {
        node.attr
        for _, tree in _trees(python_files() if files is None else files)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and _name(node.value) == family
    }


def bilingual_literals(files: Iterable[Path] | None = None) -> list[Site]:
    found: set[Site] = set()
    for path, tree in _trees(python_files() if files is None else files):
        skip: set[int] = set()  # ids of docstring and --help literals
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
                skip.add(id(body[0].value))
            if isinstance(node, ast.keyword) and node.arg in _HELP_KEYWORDS:
                skip.update(id(n) for n in ast.walk(node.value))
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            text = None
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            elif isinstance(node, ast.JoinedStr):
                skip.update(id(v) for v in node.values)
                text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
            if text and " / " in text and _CHINESE.search(text):
                found.add(Site(path, node.lineno))
    return sorted(found, key=lambda s: (str(s.path), s.line))


if __name__ == "__main__":
    sentences = "--sentences" in sys.argv[1:]
    sites = bilingual_literals() if sentences else legacy_sites()
    for site in sites:
        print(site)
    what = "bilingual literals" if sentences else "legacy UserError(zh, en) sites"
    print(f"{len(sites)} {what}", file=sys.stderr)
