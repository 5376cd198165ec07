"""`packstation address`, run through its own register() on a parser like the real one."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pytest

from packstation.cli import address as address_cli
from packstation.errors import UserError

CONTRACT_KEYS = {"address", "province", "city", "district", "priority", "ambiguous"}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Parse and dispatch as packstation.cli.main does, including its UserError handling."""
    parser = argparse.ArgumentParser(prog="packstation")
    address_cli.register(parser.add_subparsers(dest="command"))
    try:
        args = parser.parse_args(argv)
        code = args.func(args)
    except UserError as exc:
        print(f"packstation: {exc.zh} / {exc.en}", file=sys.stderr)
        code = 1
    out, err = capsys.readouterr()
    return code, out, err


def json_lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines()]


def test_json_prints_one_contract_object_per_address(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["address", "--json", "上海市黄浦区北京东路 100号", "朝阳区 1号",
                          "上海路 1号"], capsys)
    assert (code, err) == (0, "")
    docs = json_lines(out)
    assert [set(d) for d in docs] == [CONTRACT_KEYS | {"reason"}] * 3  # reason: issue 15
    assert docs[0] == {"address": "上海市黄浦区北京东路 100号", "province": "上海市",
                       "city": "上海市", "district": "黄浦区", "priority": "shanghai",
                       "ambiguous": False, "reason": None}
    assert (docs[1]["priority"], docs[1]["ambiguous"], docs[1]["reason"]) == (
        None, True, "shared_district")
    # A street many cities have, and no city: a person must look (issue 15; was "none").
    assert (docs[2]["priority"], docs[2]["city"], docs[2]["ambiguous"], docs[2]["reason"]) == (
        None, None, True, "shared_street")


def test_plain_output_is_one_readable_line_per_address(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["address", "浙江省杭州市西湖区", "西湖区", "宁波市"], capsys)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3
    assert "杭" in lines[0] and "hangzhou" in lines[0]
    assert "ambiguous" in lines[1] and "杭州市" in lines[1] and "南昌市" in lines[1]
    assert "not priority" in lines[2]


def test_csv_prints_json_lines_and_uses_division_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "a.csv"
    f.write_text("order_no,Address,province,city,district\n"
                 "1,文三路 90号,浙江省,杭州市,西湖区\n2,南京市鼓楼区上海路,,,\n3,,,,\n",
                 encoding="utf-8-sig")
    code, out, _ = run(["address", "--csv", str(f)], capsys)
    docs = json_lines(out)
    assert code == 0
    assert [d["priority"] for d in docs] == ["hangzhou", None, None]
    assert docs[0]["address"] == "文三路 90号"


def test_csv_in_gbk_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "gbk.csv"
    f.write_bytes("address\n广东省深圳市南山区\n".encode("gbk"))
    code, out, _ = run(["address", "--csv", str(f), "--json"], capsys)
    assert code == 0 and json_lines(out)[0]["priority"] == "shenzhen"


def test_the_shared_sample_csv_runs(capsys: pytest.CaptureFixture[str]) -> None:
    sample = Path(__file__).resolve().parent / "data" / "addresses.csv"
    code, out, _ = run(["address", "--csv", str(sample)], capsys)
    docs = json_lines(out)
    assert code == 0 and len(docs) == 40
    assert sum(d["ambiguous"] for d in docs) == 4


def test_missing_file_is_a_user_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["address", "--csv", str(tmp_path / "nope.csv")], capsys)
    assert code != 0 and out == ""
    assert "无法读取" in err and "Cannot read" in err


def test_a_csv_without_address_column_is_a_user_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "bad.csv"
    f.write_text("addr,city\n浙江省杭州市,杭州\n", encoding="utf-8")
    code, out, err = run(["address", "--csv", str(f)], capsys)
    assert code != 0 and out == ""
    assert "address" in err and "addr, city" in err


def test_a_binary_file_is_a_user_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "x.csv"
    f.write_bytes(b"\xff\xfe\x00\x81\x00\xff" * 10)
    code, _, err = run(["address", "--csv", str(f)], capsys)
    assert code != 0 and "GBK" in err


def test_no_address_at_all_is_a_user_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["address"], capsys)
    assert code != 0 and out == "" and "--csv" in err
