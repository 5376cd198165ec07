"""Words of the shift tools' supervisor widgets: key -> (zh, en). The core returns codes
(problem kinds, warnings); only this module turns them into words."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # barcode readiness
    "readiness.title": ("条码就绪检查", "Barcode readiness"),
    "readiness.all_ok": ("待发订单中的商品都能扫描", "every product in the waiting orders scans"),
    "readiness.summary": ("{skus} 个 SKU 无法扫描，阻塞 {units} 件待发商品",
                          "{skus} SKUs cannot be scanned, blocking {units} waiting units"),
    "readiness.col.sku": ("SKU", "SKU"),
    "readiness.col.title": ("商品", "Product"),
    "readiness.col.problem": ("问题", "Problem"),
    "readiness.col.units": ("待发件数", "Waiting units"),
    "readiness.col.orders": ("订单数", "Orders"),
    "readiness.refresh": ("刷新", "Refresh"),
    "readiness.print": ("为选中的 SKU 打印标签", "Print labels for the selected SKUs"),
    "problem.no_barcode": ("无条码", "no barcode"),
    "problem.ambiguous_code": ("条码与其他商品重复", "code shared with another product"),
    "problem.invalid_check_digit": ("条码校验位错误", "invalid check digit"),
    # manifest
    "manifest.title": ("承运商交接单", "Carrier handover manifest"),
    "manifest.carrier": ("承运商", "Carrier"),
    "manifest.draft": ("草稿：{parcels} 件待交接，{left} 件拦截",
                       "Draft: {parcels} parcels to hand over, {left} left off"),
    "manifest.closed": ("交接单 {number} 已关闭：{parcels} 件，{left} 件拦截",
                        "Manifest {number} closed: {parcels} parcels, {left} left off"),
    "manifest.col.mark": ("优先", "Priority"),
    "manifest.col.destination": ("目的地", "Destination"),
    "manifest.col.parcels": ("件数", "Parcels"),
    "manifest.left_off": ("拦截件（请取出，不交接）", "Left off (pull these from the pile)"),
    "manifest.refresh": ("刷新", "Refresh"),
    "manifest.close": ("关闭交接单", "Close manifest"),
    "manifest.save": ("保存 PDF…", "Save PDF…"),
    "manifest.nothing": ("没有待交接的包裹", "no parcels to hand over"),
    # staffing
    "staffing.title": ("人手估算", "Staffing estimate"),
    "staffing.waiting": ("待打包 {waiting} 单，其中优先 {priority} 单",
                         "{waiting} orders waiting, {priority} priority"),
    "staffing.pace": ("最近一小时 {benches} 个工作台，每台每小时 {pace} 单",
                      "last hour: {benches} benches, {pace} orders per bench-hour"),
    "staffing.all": ("全部：{clears} 完成，截单 {cutoff} 前需 {needed} 个工作台",
                     "All: clear at {clears}; {needed} benches needed by {cutoff}"),
    "staffing.priority": ("优先：{clears} 完成，截单 {cutoff} 前需 {needed} 个工作台",
                          "Priority: clear at {clears}; {needed} benches needed by {cutoff}"),
    "staffing.unknown": ("—", "—"),
    "warning.priority_misses_cutoff": ("优先订单按当前速度赶不上截单，请加派工作台",
                                       "Priority orders will miss the cutoff: add benches"),
    "warning.backlog_misses_cutoff": ("全部订单按当前速度赶不上截单",
                                      "The whole backlog will miss the cutoff"),
    "warning.no_pace": ("最近一小时没有完成的订单，无法估算",
                        "No order completed in the last hour: no pace to estimate from"),
    "warning.cutoff_passed": ("截单时间已过", "The cutoff has passed"),
}


def text(key: str, lang: str = "zh", **values: object) -> str:
    """The words for `key` in `lang` ("zh" or "en"), with `values` filled in."""
    zh, en = TEXTS[key]
    return (zh if lang == "zh" else en).format(**values)
