"""Carrier codes as files and platforms write them, and the names people read.

One table for the label header and the platforms' shipping uploads, so both say the same.
"""

from __future__ import annotations

CARRIER_NAMES = {
    "SF": "顺丰速运",
    "YTO": "圆通速递",
    "ZTO": "中通快递",
    "STO": "申通快递",
    "YD": "韵达快递",
    "YUNDA": "韵达快递",
    "EMS": "EMS",
    "YZPY": "邮政快递包裹",
    "JD": "京东快递",
    "JT": "极兔速递",
    "JTSD": "极兔速递",
    "DBL": "德邦快递",
    "DEPPON": "德邦快递",
}


def carrier_name(code: str) -> str:
    """The Chinese name for a known carrier code (`YTO` → 圆通速递), else the code as given."""
    return CARRIER_NAMES.get(code.strip().upper(), code.strip())
