"""Files whose text went through the wrong encoding are refused, naming the likely cause;
real files (GBK, UTF-8, Traditional Chinese in UTF-8) are not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from packstation.errors import UserError
from packstation.importers import parse_files
from packstation.importers.reading import open_table
from tests.importers.conftest import DATA, GENERIC_HEADER, csv_text, generic_row, sample

GENERIC = DATA / "orders_generic.csv"
HONG_KONG = "香港 九龍 旺角 彌敦道 688號 旺角中心 第一期 十樓"  # Traditional, real text


def utf8(data: bytes) -> str:
    return data.decode("utf-8-sig")


# name -> (what happened to the UTF-8 sample's bytes, words the refusal must hold)
DAMAGE: dict[str, tuple[Callable[[bytes], bytes], tuple[str, ...]]] = {
    "utf8-read-as-gbk-saved-as-gbk": (
        lambda d: d.decode("gbk", errors="replace").encode("gbk", errors="replace"),
        ("UTF-8 opened as GBK",),
    ),
    "utf8-read-as-gbk-saved-as-utf8": (
        lambda d: d.decode("gbk", errors="replace").encode("utf-8"),
        ("UTF-8 opened as GBK",),
    ),
    "gbk-read-as-utf8-with-replacements": (
        lambda d: utf8(d).encode("gbk").decode("utf-8", errors="replace").encode("utf-8"),
        ("replacement characters", "GBK text opened as UTF-8", "lost"),
    ),
    "utf8-read-as-latin1": (
        lambda d: utf8(d).encode("utf-8").decode("latin-1").encode("utf-8"),
        ("Latin-1/Windows-1252",),
    ),
    "utf8-read-as-cp1252": (
        lambda d: utf8(d).encode("utf-8").decode("cp1252", errors="replace").encode("utf-8"),
        ("Latin-1/Windows-1252",),
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_mis_decoded_file_is_refused_naming_the_cause(tmp_path: Path, damage: str) -> None:
    change, words = DAMAGE[damage]
    path = tmp_path / "orders.csv"
    path.write_bytes(change(GENERIC.read_bytes()))
    with pytest.raises(UserError) as refused:
        parse_files([path])
    assert "orders.csv" in refused.value.en and "was not imported" in refused.value.en
    assert all(word in refused.value.en for word in words), refused.value.en
    assert "未导入" in refused.value.zh


def test_a_big5_file_says_its_encoding_is_not_supported(tmp_path: Path) -> None:
    rows = [GENERIC_HEADER] + [
        generic_row(f"H{i}", recipient="陳大文", address=HONG_KONG, title="純棉T恤 紅色")
        for i in range(10)
    ]
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_text(rows).encode("big5"))
    with pytest.raises(UserError) as refused:
        parse_files([path])
    assert "Big5" in refused.value.en and "not supported" in refused.value.en
    assert "Big5" in refused.value.zh and "不支持" in refused.value.zh
    assert "recipient" not in refused.value.en


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("orders_generic.csv", ""), ("taobao_ExportOrderList.csv", ""), ("hk", "utf-8"),
     ("hk", "gbk"), ("orders_generic.csv", "gbk")],
)  # fmt: skip
def test_real_files_are_not_taken_for_garbled_ones(
    tmp_path: Path, name: str, encoding: str
) -> None:
    if name == "hk":
        rows = [GENERIC_HEADER] + [
            generic_row(f"H{i}", recipient="陳大文", address=HONG_KONG) for i in range(20)
        ]
        data = csv_text(rows).encode(encoding)
    else:
        data = sample(name).read_bytes()
        if encoding:
            data = utf8(data).encode(encoding)
    path = tmp_path / (name if name.endswith(".csv") else "orders.csv")
    path.write_bytes(data)
    table = open_table(path)  # where the text is checked
    assert table.headers and list(table.rows)
