"""Make the README's window screenshots: every situation, zh and en, 1366x768 and 4K.

    python docs/screenshots/make_screenshots.py [OUT_DIR [NAME,NAME… [SIZE,SIZE…]]]

Each picture is `packstation gui --replay SCRIPT --screenshot PNG` on a fresh copy of a
small database made here, so the pictures show the real window answering real scans.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

from packstation.bootstrap import classifier, open_database
from packstation.importers.records import (
    BarcodeSpec,
    ImportedLine,
    ImportedOrder,
    OrderStatus,
    ParsedFile,
)
from packstation.services.importing import import_parsed
from packstation.services.users import add_user

HERE = Path(__file__).resolve().parent
SIZES = ((1366, 768), (3840, 2160))
LANGS = ("zh", "en")

TEE = ImportedLine("TEE-RED-M", "纯棉T恤 红色 M", 1, (BarcodeSpec("6901234567892"),))
SOCKS = ImportedLine("SOCK-5P", "运动袜 五双装", 2, (BarcodeSpec("6920000000012"),))
MUG = ImportedLine("MUG-01", "陶瓷马克杯", 1, (BarcodeSpec("6930000000028"),))
CITIES = {
    "beijing": "北京市 朝阳区 建国路 88号",
    "shanghai": "上海市 浦东新区 世纪大道 100号",
    "guangzhou": "广东省 广州市 天河区 天河路 385号",
    "shenzhen": "广东省 深圳市 南山区 科技园南路 18号",
    "hangzhou": "浙江省 杭州市 西湖区 文三路 90号",
}
NANJING = "江苏省 南京市 鼓楼区 上海路 10号"

#: name -> (replay script, printer spec)
SCENARIOS: dict[str, tuple[list[str], str]] = {
    "idle": ([], "mock"),
    "in_progress": (["N0", "6930000000028", "N1", "6901234567892", "6920000000012"], "mock"),
    **{f"priority_{key}": ([f"P-{key}", "6901234567892"], "mock") for key in CITIES},
    "wrong_item": (["W1", "6901234567892", "6930000000028"], "mock"),
    "intercepted": (["R1"], "mock"),
    "printer_fault": (["F1", "6901234567892"], "mock:paper_end"),
    "ambiguous_destination": (["A1", "PSCMD-CHOOSE-1"], "mock"),
}


def _order(order_no: str, address: str, *lines: ImportedLine, **kw: object) -> ImportedOrder:
    return ImportedOrder(
        order_no=order_no,
        platform="taobao",
        status=kw.get("status", OrderStatus.PAID),  # type: ignore[arg-type]
        recipient="张伟",
        phone="13812345678",
        address=address,
        carrier="YTO",
        waybill_no=f"YT{zlib.crc32(order_no.encode()):012d}",
        lines=lines,
    )


def make_database(path: Path) -> None:
    db = open_database(f"sqlite:///{path}")
    orders = [
        _order("N0", NANJING, MUG),
        _order("N1", NANJING, TEE, SOCKS, MUG),
        *[_order(f"P-{key}", address, TEE, SOCKS) for key, address in CITIES.items()],
        _order("W1", NANJING, TEE, SOCKS),
        _order("R1", CITIES["hangzhou"], TEE, status=OrderStatus.REFUNDED),
        _order("F1", NANJING, TEE),
        _order("A1", "朝阳区 建国路 88号", TEE),
    ]
    import_parsed(db, ParsedFile(format="csv", orders=orders), classifier(db))
    add_user(db, "packer1", "packer", "0000")
    db.dispose()


def main(out_dir: Path, names: list[str], sizes: list[tuple[int, int]]) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        template = work / "template.db"
        make_database(template)
        for name in names:
            codes, printer = SCENARIOS[name]
            script = work / f"{name}.txt"
            script.write_text("\n".join(codes) + "\n", encoding="utf-8")
            for lang in LANGS:
                for w, h in sizes:
                    db = work / "bench.db"
                    shutil.copy(template, db)
                    png = out_dir / f"{name}_{lang}_{w}x{h}.png"
                    subprocess.run(
                        [
                            sys.executable,
                            "-m",
                            "packstation",
                            "--db",
                            f"sqlite:///{db}",
                            "gui",
                            "--bench",
                            "B1",
                            "--packer",
                            "packer1",
                            "--printer",
                            printer,
                            "--lang",
                            lang,
                            "--size",
                            f"{w}x{h}",
                            "--replay",
                            str(script),
                            "--replay-interval",
                            "0.4",
                            "--screenshot",
                            str(png),
                            "--settings",
                            str(work / "bench.ini"),
                        ],
                        env=env,
                        check=True,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        timeout=300,
                    )
                    print(png)
    return 0


def _sizes(text: str) -> list[tuple[int, int]]:
    return [(int(w), int(h)) for w, h in (s.split("x") for s in text.split(","))]


if __name__ == "__main__":
    args = sys.argv[1:]
    raise SystemExit(
        main(
            Path(args[0]) if args else HERE,
            args[1].split(",") if len(args) > 1 else list(SCENARIOS),
            _sizes(args[2]) if len(args) > 2 else list(SIZES),
        )
    )
