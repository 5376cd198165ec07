"""`command-sheet`: write the printable sheet of command barcodes as PNG or PDF."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from packstation.errors import UserError
from packstation.labels.command_sheet import render_command_sheet


def register(subparsers: Any) -> None:
    sheet = subparsers.add_parser(
        "command-sheet", help="生成命令条码页 / write the printable command barcode sheet"
    )
    sheet.add_argument("--out", required=True, metavar="FILE.png|FILE.pdf")
    sheet.set_defaults(func=_command_sheet)


def _command_sheet(args: argparse.Namespace) -> int:
    out = Path(args.out)
    kind = out.suffix.lower()
    if kind not in (".png", ".pdf"):
        raise UserError(
            f"输出文件须为 .png 或 .pdf：{out}", f"--out must end in .png or .pdf: {out}"
        )
    sheet = render_command_sheet()
    try:
        if kind == ".png":
            sheet.image.save(out, format="PNG", dpi=(sheet.dpi, sheet.dpi))
        else:  # one A4 page, the bitmap CCITT G4-compressed (lossless) by Pillow
            sheet.image.save(
                out, format="PDF", resolution=sheet.dpi, title="PackStation command barcodes"
            )
    except OSError as exc:
        raise UserError(
            f"无法写入 {out}：{exc.strerror or exc}", f"cannot write {out}: {exc.strerror or exc}"
        ) from exc
    print(
        f"命令条码页已保存 / command sheet written: {out} "
        f"({len(sheet.codes)} codes, A4 at {sheet.dpi} dpi)"
    )
    return 0
