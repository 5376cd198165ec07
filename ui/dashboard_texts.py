"""The dashboard's own words, Chinese and English, in one place (key -> (zh, en)).

ADAPTER (i18n): when the message catalogue lands, these keys move into it.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("主管看板", "Supervisor dashboard"),
    "updated": ("更新于 {time}", "updated {time}"),
    "stale": ("数据读取失败：{error}", "could not read the figures: {error}"),
    "tile.orders_today": ("今日已打包", "Orders packed today"),
    "tile.units_today": ("今日件数", "Units today"),
    "tile.orders_hour": ("本小时已打包", "Orders this hour"),
    "tile.units_hour": ("本小时件数", "Units this hour"),
    "tile.wrong_rate": ("错扫率", "Wrong-scan rate"),
    "tile.wrong_sub": ("{wrong} 次错扫 / {judged} 次扫件", "{wrong} wrong of {judged} unit scans"),
    "tile.intercepts": ("今日拦截包裹", "Parcels stopped today"),
    "tile.intercepts_sub": (
        "订单变更 {intercepted} · 取消 {cancelled} · 退款 {refunded}",
        "changed {intercepted} · cancelled {cancelled} · refunded {refunded}",
    ),
    "tile.open": ("打包中", "Open boxes"),
    "tile.held": ("待处理面单", "Labels held"),
    "chart.bench": ("每小时完成订单（按工位）", "Orders per hour, by bench"),
    "chart.packer": ("每小时完成订单（按打包员）", "Orders per hour, by packer"),
    "backlog.title": (
        "优先件待打包（超过 {limit} 预警）",
        "Priority parcels waiting (warn after {limit})",
    ),
    "backlog.city": ("城市", "City"),
    "backlog.waiting": ("待打包", "Waiting"),
    "backlog.oldest": ("最久等待", "Oldest waiting"),
    "backlog.warn": ("⚠ 超时", "⚠ overdue"),
    "printers.title": ("打印机", "Printers"),
    "printers.bench": ("工位", "Bench"),
    "printers.printer": ("打印机", "Printer"),
    "printers.state": ("状态", "State"),
    "printers.queued": ("排队", "Queued"),
    "printers.held": ("待处理", "Held"),
    "printer.ok": ("正常", "OK"),
    "printer.fault": ("故障：{error}", "fault: {error}"),
    "printer.none": ("未设置", "not set"),
    "sessions.title": ("正在打包的包裹", "Open boxes"),
    "sessions.order": ("订单", "Order"),
    "sessions.packer": ("打包员", "Packer"),
    "sessions.open_for": ("已打开", "Open for"),
    "feed.title": ("异常动态", "Exceptions"),
    "feed.intercept": (
        "{bench} 拦截包裹 {target}（{who}）",
        "{bench} stopped parcel {target} ({who})",
    ),
    "feed.held_job": (
        "{bench} 面单 #{target} 待处理：{detail}",
        "{bench} label #{target} held: {detail}",
    ),
    "feed.printer_fault": (
        "{bench} 打印失败 #{target}：{detail}",
        "{bench} print failed #{target}: {detail}",
    ),
    "feed.override": ("{who} {detail}：{target}", "{who} {detail}: {target}"),
    "pins.title": ("PIN 错误", "Wrong PINs"),
    "pins.none": ("无", "none"),
    "pins.throttled": (
        "{name} 等待 {wait} 秒（错 {failures} 次）",
        "{name} waits {wait} s ({failures} wrong)",
    ),
    "pins.bench": ("{bench}：{failures} 次", "{bench}: {failures}"),
    "age.minutes": ("{n} 分钟", "{n} min"),
    "age.hours": ("{h} 小时 {m} 分", "{h} h {m} min"),
    "more": ("{n}+", "{n}+"),
    "action.force_complete": ("强制完成", "Force-complete"),
    "action.take_over": ("接管", "Take over"),
    "action.reprint": ("重打面单", "Reprint"),
    "action.void": ("作废面单", "Void label"),
    "action.move": ("转打印机", "Move job"),
    "action.release": ("放行订单", "Release order"),
    "action.rules": ("优先规则", "Priority rules"),
    "action.bench": ("工位打印机", "Bench printer"),
    "action.backlog": ("预警时间", "Backlog warning"),
    "action.audit": ("审计记录", "Audit log"),
    "action.report": ("导出报表", "Export report"),
    "action.wall": ("大屏模式", "Wall screen"),
    "field.order": ("订单号", "Order number"),
    "field.reason": ("原因", "Reason"),
    "field.bench": ("工位", "Bench"),
    "field.job": ("打印任务号", "Print job id"),
    "field.printer": ("打印机", "Printer spec"),
    "field.rules": ("规则 JSON", "Rules JSON"),
    "field.minutes": ("预警分钟数", "Warn after (minutes)"),
    "field.supervisor": ("主管", "Supervisor"),
    "field.pin": ("PIN", "PIN"),
    "pin.title": ("主管确认", "Supervisor approval"),
    "pin.prompt": ("此操作需要主管姓名和 PIN", "This action needs a supervisor's name and PIN"),
    "ok": ("确定", "OK"),
    "cancel": ("取消", "Cancel"),
    "done": ("已完成：{what}", "Done: {what}"),
    "refused": ("未执行：{error}", "Not done: {error}"),
    "audit.title": ("审计记录", "Audit log"),
    "audit.who": ("操作人", "Who"),
    "audit.what": ("操作", "What"),
    "audit.bench": ("工位", "Bench"),
    "audit.since": ("起", "From"),
    "audit.until": ("止", "To"),
    "audit.search": ("查询", "Search"),
    "audit.export": ("导出 CSV", "Export CSV"),
    "audit.at": ("时间", "Time"),
    "audit.target": ("对象", "Target"),
    "audit.detail": ("详情", "Detail"),
    "audit.exported": ("已导出 {n} 条到 {path}", "exported {n} records to {path}"),
    "report.day": ("日期", "Day"),
    "report.saved": ("报表已保存：{path}（{n} 行）", "report saved: {path} ({n} rows)"),
    # print job reasons (codes from the print service)
    "reason.offline": ("打印机离线", "printer offline"),
    "reason.paper_end": ("缺纸", "out of paper"),
    "reason.cover_open": ("纸仓盖打开", "cover open"),
    "reason.outcome_unknown": ("发送结果未知，请检查面单", "outcome unknown, check the label"),
    "reason.intercepted": ("订单已拦截", "order intercepted"),
    "reason.no_printer": ("未设置打印机", "no printer set"),
    "reason.label_data": ("面单数据有误", "label data invalid"),
    # audit actions
    "audit_action.force_complete": ("强制完成", "force-completed"),
    "audit_action.take_over": ("接管", "took over"),
    "audit_action.print_reprint": ("重打面单", "reprinted"),
    "audit_action.print_void": ("作废面单", "voided a label"),
    "audit_action.print_move": ("转打印机", "moved a job"),
    "audit_action.order_release": ("放行订单", "released"),
    "audit_action.set_priority_rules": ("修改优先规则", "changed priority rules"),
    "audit_action.bench_printer": ("设置工位打印机", "set a bench printer"),
    "audit_action.backlog_warning": ("修改预警时间", "changed the backlog warning"),
    "audit_action.confirm_destination": ("确认目的地", "confirmed a destination"),
}


def word(prefix: str, code: str, lang: str) -> str:
    """The words for a code the core returned (a reason, an action); the code itself
    when the catalogue has none, so nothing is hidden."""
    key = f"{prefix}.{code}"
    return tr(key, lang) if key in TEXTS else code


def tr(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang` ("zh" or "en"), with `values` filled in."""
    zh, en = TEXTS[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text
