"""Carrier codes as files and platforms write them, and the names people read.

One table for the label header and the platforms' shipping uploads, so both say the same,
except where a platform's upload matches the carrier by its own spelling: Pinduoduo's
batch shipping compares the name with its carrier list (顺丰快递, 圆通快递, 邮政EMS, 京东配送…,
as its carrier-list API returns them), so its upload uses that list's names.
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


# Pinduoduo's spelling where it differs from CARRIER_NAMES.
PDD_NAMES = {
    "SF": "顺丰快递",
    "YTO": "圆通快递",
    "EMS": "邮政EMS",
    "JD": "京东配送",
}
PLATFORM_NAMES = {"pdd": PDD_NAMES}


def carrier_name(code: str, platform: str = "") -> str:
    """The Chinese name for a known carrier code (`YTO` → 圆通速递), else the code as given;
    with `platform`, the name that platform's shipping upload expects."""
    key = code.strip().upper()
    own = PLATFORM_NAMES.get(platform, {}).get(key)
    return own or CARRIER_NAMES.get(key, code.strip())
