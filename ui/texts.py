"""Every word the bench window shows, Chinese first (to move into the message catalogue).

Verdict sentences come from `packstation.messages.verdict_text`; these are the window's
own: labels, prompts, what to do next.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "title": ("PackStation 打包工位", "PackStation packing bench"),
    "bench": ("工位", "Bench"),
    "packer": ("打包员", "Packer"),
    "nobody": ("未登录", "not signed in"),
    "printer": ("打印机", "Printer"),
    "database": ("数据库", "Database"),
    "db_ok": ("正常", "OK"),
    "db_busy": ("繁忙…", "busy…"),
    "db_down": ("无法连接", "unreachable"),
    "idle_title": ("请扫描订单号或面单号", "Scan an order or waybill number"),
    "idle_hint": (
        "扫描订单条码开始打包；命令条码见命令单",
        "Scan the order barcode to start; command codes are on the command sheet",
    ),
    "idle_commands": (
        "命令条码：完成装箱 · 取消装箱 · 重打面单 · 数量 ×2…×10 · 确认 · 确认拦截 · 退出登录",
        "Command codes: complete box · cancel box · reprint · quantity ×2…×10 · confirm · "
        "acknowledge · log out",
    ),
    "order": ("订单", "Order"),
    "platform": ("平台", "Platform"),
    "item": ("商品", "Item"),
    "expected": ("应装", "Expected"),
    "packed": ("已装", "Packed"),
    "next_unit": ("下一件", "Next"),
    "progress": ("{packed}/{required} 件", "{packed}/{required} units"),
    "destination": ("目的地", "Destination"),
    "not_priority": ("普通件", "Standard"),
    "priority": ("优先 {mark} {city} · {promise}", "Priority {mark} {city} · {promise}"),
    "ambiguous_dest": ("地址不明确，需确认", "Address unclear: confirm it"),
    "label_preview": ("面单预览", "Label preview"),
    "no_label": ("尚未打印面单", "no label printed yet"),
    "last_scans": ("最近扫描", "Last scans"),
    "next_scan_item": ("请扫描下一件：{title}", "Scan the next unit: {title}"),
    "next_scan_order": ("请扫描下一个订单", "Scan the next order"),
    "next_remove": ("请把这件拿出来。{next}", "Take it out. {next}"),
    "next_supervisor": ("请找主管处理", "Call a supervisor"),
    "next_rescan": ("请重新扫描", "Scan again"),
    "ok_count": ("{packed}/{required} 正确", "{packed}/{required} correct"),
    "wrong_item": ("错货：{title}不在此订单", "Wrong item: {title} is not in this order"),
    "over_quantity": ("多货：{title}已够数", "Too many: {title} is already complete"),
    "extra_unit": (
        "多出一件：订单 {order_no} 已装完，这件是多的",
        "Extra unit: order {order_no} was already complete, this one is extra",
    ),
    "next_extra": ("请把多出的这件拿出来", "Take the extra unit out of the box"),
    "complete": ("订单 {order_no} 完成，正在打印面单", "Order {order_no} complete: printing"),
    "opened": ("订单 {order_no}：共 {required} 件", "Order {order_no}: {required} unit(s)"),
    "unrecognised": ("无法识别的条码：{code}", "Code not recognised: {code}"),
    "stop_title": ("不要发货", "DO NOT SHIP"),
    "stop_reason_cancelled": ("订单已取消", "Order cancelled"),
    "stop_reason_refunded": ("订单已退款", "Order refunded"),
    "stop_reason_address_changed": ("收货地址已变更", "Delivery address changed"),
    "stop_reason_lines_changed": ("订单商品已变更", "Order items changed"),
    "stop_reason_changed": ("订单已变更", "Order changed"),
    "stop_hint": (
        "把包裹放到拦截区交给主管，然后扫描“确认”命令码 (ACK)",
        "Put the parcel in the intercept area for a supervisor, then scan the ACK code",
    ),
    "stop_waiting": ("请先扫描确认码 (ACK)", "Scan the ACK code first"),
    "choose_title": ("地址不明确：请确认目的地", "Address unclear: confirm the destination"),
    "choose_hint": (
        "扫描“选择 N”命令码选城市，再扫描“确认”命令码；确认前不打印面单",
        "Scan CHOOSE-N to pick the city, then CONFIRM; no label prints before that",
    ),
    "choose_first": ("请先确认目的地", "Confirm the destination first"),
    "choose_picked": ("已选：{city}，请扫描“确认”", "Picked {city}: scan CONFIRM"),
    "choose_invalid": ("没有第 {n} 个选项", "There is no choice {n}"),
    "dest_confirmed": ("目的地已确认：{city}", "Destination confirmed: {city}"),
    "quantity_set": ("下一件按 ×{n} 计", "Next unit counts ×{n}"),
    "cancelled": (
        "已取消装箱：订单 {order_no}，请把商品放回",
        "Box cancelled: {order_no}; put the items back",
    ),
    "nothing_open": ("没有正在打包的订单", "No box is open"),
    "not_complete": (
        "还差 {missing} 件，不能完成；请扫描剩余商品",
        "{missing} units missing: scan the rest to complete",
    ),
    "reprint_done": ("已请求重打面单：{order_no}", "Reprint queued: {order_no}"),
    "reprint_none": ("没有可重打的面单", "No label to reprint"),
    "reprint_title": ("重打面单需要主管", "A reprint needs a supervisor"),
    "logged_out": ("已退出登录", "Signed out"),
    "login_title": (
        "请登录：扫描工牌，或输入姓名和 PIN",
        "Sign in: scan your badge, or type name and PIN",
    ),
    "login_name": ("姓名", "Name"),
    "login_pin": ("PIN", "PIN"),
    "login_button": ("登录", "Sign in"),
    "login_failed": ("姓名或 PIN 不正确", "Wrong name or PIN"),
    "login_supervisor": ("主管账号不能在打包工位登录", "A supervisor cannot sign in at a bench"),
    "login_first": ("请先登录", "Sign in first"),
    "print_fault": ("打印机故障：{message}", "Printer fault: {message}"),
    "print_fault_hint": (
        "处理打印机后面单会自动补打；可继续打包",
        "Fix the printer: the label prints by itself then; you may keep packing",
    ),
    "printed": ("面单已打印：{order_no}", "Label printed: {order_no}"),
    "busy": ("请稍候…", "Please wait…"),
    "error": ("出错：{message}", "Error: {message}"),
    "lamp_ready": ("就绪", "ready"),
    "lamp_printing": ("打印中", "printing"),
    "lamp_paper_end": ("缺纸", "paper out"),
    "lamp_paper_near_end": ("纸将用完", "paper low"),
    "lamp_cover_open": ("开盖", "cover open"),
    "lamp_offline": ("离线", "offline"),
    "lamp_error": ("故障", "error"),
    "lamp_unknown": ("未知", "unknown"),
    "lamp_none": ("未设置", "not set"),
}


def text(key: str, lang: str, **values: object) -> str:
    """The window's words for `key` in `lang` ("zh" or "en"), with `values` filled in."""
    zh, en = TEXTS[key]
    return (en if lang == "en" else zh).format(**values)


def visible(code: str) -> str:
    """A received code as it can be shown: control characters as <CR>, <TAB>, <0x1B>."""
    names = {"\r": "<CR>", "\n": "<LF>", "\t": "<TAB>", "\x00": "<NUL>", " ": "<SP>"}
    out = []
    for ch in code:
        if ch in names:
            out.append(names[ch])
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0:
            out.append(f"<0x{ord(ch):02X}>")
        else:
            out.append(ch)
    return "".join(out)
