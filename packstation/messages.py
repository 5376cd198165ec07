"""Plain-language texts for verdicts, Chinese first. The core returns codes; edges show these."""

from __future__ import annotations

from packstation.domain.verdicts import Verdict

VERDICT_TEXT: dict[Verdict, tuple[str, str]] = {
    Verdict.OK: ("正确，已装箱", "correct, packed"),
    Verdict.ORDER_OPENED: ("订单已打开，请扫描商品", "order opened: scan the items"),
    Verdict.WRONG_ITEM: (
        "错货！此商品不在本订单中，请拿出",
        "wrong item: not in this order, take it out",
    ),
    Verdict.OVER_QUANTITY: (
        "多货！此商品数量已够，请拿出",
        "too many: this item is complete, take it out",
    ),
    Verdict.UNKNOWN_CODE: (
        "未知条码，请检查商品或找主管",
        "unknown code: check the item or call a supervisor",
    ),
    Verdict.AMBIGUOUS_CODE: (
        "条码对应多个商品，不能确认，请找主管",
        "code matches several products: call a supervisor",
    ),
    Verdict.ORDER_COMPLETE: ("订单完成，正在打印面单", "order complete: printing the waybill"),
    Verdict.INTERCEPTED: (
        "拦截！订单已取消、退款或变更，停止发货并交主管",
        "intercepted: order cancelled, refunded or changed; do not ship, hand to a supervisor",
    ),
    Verdict.ALREADY_PACKED: ("此订单已打包，请勿重复发货", "already packed: do not ship twice"),
    Verdict.NOT_FOUND: ("找不到此订单", "order not found"),
    Verdict.IN_PROGRESS_ELSEWHERE: (
        "此订单正在其他工位打包",
        "this order is open at another bench",
    ),
    Verdict.DUPLICATE_READ: ("重复读取，已忽略", "double read ignored"),
}


def verdict_text(verdict: Verdict, lang: str = "zh") -> str:
    zh, en = VERDICT_TEXT[verdict]
    return zh if lang == "zh" else en
