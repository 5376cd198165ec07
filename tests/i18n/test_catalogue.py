"""The catalogues and the codes agree: every code has its words in each language, every
message belongs to a code, and every call gives the fields its message fills in."""

from __future__ import annotations

import importlib
import pkgutil
import string
from collections import defaultdict
from pathlib import Path

import packstation.printers
import packstation.ui
import pytest
from packstation.printers import errors as printer_errors

import packstation
from packstation.i18n import LANGS, code_families, messages, placeholders
from tests.i18n.source_scan import (
    bilingual_literals,
    code_calls,
    legacy_sites,
    python_files,
    referenced_members,
)

# Families raised or printed by name: each member must be written somewhere in the source.
# (Verdicts, intercept and printer reasons also arrive as data from the scan rules, the
# database and the printers package.)
NAMED_FAMILIES = ("error", "notice")
# Scripts, not libraries: importing them runs them (the CLI, Alembic's environment).
NOT_IMPORTABLE = ("packstation.__main__", "packstation.storage.migrations")


def _import_every_module() -> None:
    """Declaring a code family is importing its module: import them all, UI included."""
    for package in (packstation, packstation.ui, packstation.printers):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if not module.name.startswith(NOT_IMPORTABLE):
                importlib.import_module(module.name)


def all_msgids() -> dict[str, str]:
    """Every code's catalogue key, with where it is declared."""
    _import_every_module()
    return {
        code.msgid: f"{family.__module__}.{family.__qualname__}"
        for family in code_families().values()
        for code in family
    }


def test_the_registry_holds_every_family_the_core_declares() -> None:
    all_msgids()
    assert {"verdict", "intercept", "printer", "error", "notice"} <= set(code_families())


@pytest.mark.parametrize("lang", LANGS)
def test_every_code_has_a_message_in_each_language(lang: str) -> None:
    missing = sorted(set(all_msgids()) - set(messages(lang)))  # type: ignore[arg-type]
    assert missing == [], f"no {lang} message for {missing}: add them (docs/i18n.md)"


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_belongs_to_a_code(lang: str) -> None:
    unused = sorted(set(messages(lang)) - set(all_msgids()))  # type: ignore[arg-type]
    assert unused == [], f"{lang} messages no code uses: {unused}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_is_a_valid_format_string(lang: str) -> None:
    for key, template in messages(lang).items():  # type: ignore[arg-type]
        fields = list(string.Formatter().parse(template))  # raises on a stray brace
        for _, field, spec, conversion in fields:
            assert field is None or field.isidentifier(), (key, field)
            assert not spec and not conversion, f"{key}: give values ready to show"


def test_the_printer_reasons_mirror_the_printers_package() -> None:
    """`packstation.printers` is a leaf and keeps its reasons as plain constants."""
    declared = {
        value
        for name, value in vars(printer_errors).items()
        if name.isupper() and isinstance(value, str)
    }
    assert declared == {code.value for code in code_families()["printer"]}


def test_each_call_gives_exactly_the_fields_its_message_fills_in() -> None:
    _import_every_module()
    by_class = {family.__name__: family for family in code_families().values()}
    problems: list[str] = []
    checked = 0
    for call in code_calls(by_class):
        code = by_class[call.family][call.member]
        wanted = set().union(*(placeholders(messages(lang)[code.msgid]) for lang in LANGS))
        if call.params is not None:
            checked += 1
            if call.params != wanted:
                problems.append(f"{call.site}: {code.msgid} gives {sorted(call.params)}, "
                                f"its messages use {sorted(wanted)}")
    assert problems == []
    assert checked >= 10  # the scan sees the converted call sites


def test_codes_without_named_calls_use_the_same_fields_in_each_language() -> None:
    """Verdicts and reasons come as data (no call site to compare with): both languages
    must then fill in the same fields, so a caller that gives one set gives both."""
    fields: dict[str, list[frozenset[str]]] = defaultdict(list)
    for lang in LANGS:
        for key, template in messages(lang).items():
            fields[key].append(placeholders(template))
    for key, sets in fields.items():
        if not key.startswith(tuple(f"{ns}." for ns in NAMED_FAMILIES)):
            assert len(set(sets)) == 1, f"{key}: fields differ between languages: {sets}"


@pytest.mark.parametrize("namespace", NAMED_FAMILIES)
def test_every_named_code_is_used_somewhere(namespace: str) -> None:
    all_msgids()
    family = code_families()[namespace]
    unused = {m.name for m in family} - referenced_members(family.__name__)
    assert unused == set(), f"unused {family.__name__} members: delete them and their messages"


OWNED_BY_THE_CATALOGUE_BRANCH = [
    "packstation/errors.py", "packstation/messages.py", "packstation/i18n", "packstation/domain",
    "packstation/services/packing.py", "packstation/storage/packing.py",
    "packstation/services/open_box.py", "packstation/services/boxes.py",
    "packstation/services/destinations.py", "packstation/storage/schema.py",
    "packstation/storage/checkpoint.py", "packstation/storage/conflicts.py",
    "packstation/storage/driver.py", "packstation/cli/address.py", "packstation/cli/rules.py",
    "packstation/cli/db.py", "packstation/cli/__init__.py", "packstation/cli/lang.py",
    "packstation/cli/notices.py",
]


def test_converted_modules_build_no_sentences() -> None:
    root = Path(__file__).resolve().parents[2]
    files = list(python_files(root / p for p in OWNED_BY_THE_CATALOGUE_BRANCH))
    assert [str(s) for s in legacy_sites(files)] == []
    assert [str(s) for s in bilingual_literals(files)] == []


def test_the_scan_finds_every_legacy_form(tmp_path: Path) -> None:
    """The tool the lead drives to zero: it sees direct calls, subclasses and super()."""
    source = tmp_path / "legacy.py"
    source.write_text(
        "from packstation.errors import ErrorCode, UserError\n"
        "class Plain(UserError):\n"
        "    pass\n"
        "class Own(UserError):\n"
        "    def __init__(self, name):\n"
        "        super().__init__(f'坏 {name}', f'bad {name}')\n"
        "def f():\n"
        "    raise UserError('中文', 'English')\n"  # line 8
        "def g():\n"
        "    raise Plain('中文', 'English')\n"  # line 10
        "def h():\n"
        "    raise Own('x')\n"  # its super() call is the site
        "def i():\n"
        "    raise UserError(ErrorCode.UNKNOWN_ORDER, order_no='x')\n",
        encoding="utf-8",
    )
    assert [s.line for s in legacy_sites([source])] == [6, 8, 10]


def test_the_scan_finds_sentences_joined_in_code_but_not_help_or_docstrings(
    tmp_path: Path,
) -> None:
    source = tmp_path / "sentences.py"
    source.write_text(
        '"""模块 / module docstring"""\n'
        "def f(n, parser):\n"
        '    """函数 / docstring"""\n'
        '    parser.add_argument("--x", help="帮助 / help")\n'
        '    print(f"已打印 {n} / printed {n}")\n'  # line 5
        '    return "无 / none"\n'  # line 6
        '    return "plain / english"\n',
        encoding="utf-8",
    )
    assert [s.line for s in bilingual_literals([source])] == [5, 6]
