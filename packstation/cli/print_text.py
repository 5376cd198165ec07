"""Words for print-job codes at the CLI edge (the database and the core keep codes only).

`job_error_text(error)` and `warning_text(code)` give (Chinese, English). A code without
words here still prints as its code, so nothing is lost; the message catalogue being
introduced for the whole CLI replaces these tables.
"""

from __future__ import annotations

from collections.abc import Mapping

from packstation.services.print_jobs import JobError

JOB_ERRORS: Mapping[str, tuple[str, str]] = {
    "outcome_unknown": (
        "发送结果未知（{cause}）：请检查面单是否已打出，如缺失请主管重打",
        "outcome unknown ({cause}): check the label; a supervisor reprints it if missing",
    ),
    "intercepted": (
        "订单 {order_no} 已拦截（{stop}）：不打印面单，请把包裹交给主管",
        "order {order_no} is intercepted ({stop}): no label; hand the parcel to a supervisor",
    ),
    "label_data": (
        "订单 {order_no} 无法生成面单（运单号或订单号不能印成条码），请修正订单数据",
        "order {order_no} cannot become a waybill (its numbers cannot be barcodes); fix it",
    ),
    "no_printer": (
        "工作台 {bench} 未设置打印机：packstation bench set {bench} --printer SPEC",
        "bench {bench} has no printer: packstation bench set {bench} --printer SPEC",
    ),
    "paper_end": ("打印机 {printer} 缺纸，请换纸", "printer {printer} is out of paper"),
    "cover_open": ("打印机 {printer} 盖未关好", "printer {printer} cover is open"),
    "offline": ("打印机 {printer} 离线", "printer {printer} is offline"),
    "printer_error": (
        "打印机 {printer} 故障（如切刀卡住）",
        "printer {printer} error (e.g. a cutter jam)",
    ),
    "timeout": ("打印机 {printer} 响应超时", "printer {printer} timed out"),
    "connection": ("无法连接打印机 {printer}", "cannot connect to printer {printer}"),
    "connection_lost": ("与打印机 {printer} 的连接中断", "connection to printer {printer} lost"),
    "not_found": ("找不到打印机 {printer}", "printer {printer} not found"),
    "permission": ("没有权限访问打印机 {printer}", "no permission to use printer {printer}"),
    "no_answer": ("打印机 {printer} 发送后无回应", "printer {printer} did not answer"),
    "file_exists": (
        "{printer} 是已有文件，不会写入",
        "{printer} is an existing file; it is never written to",
    ),
    "bad_spec": ("打印机设置 {printer} 无效", "invalid printer spec {printer}"),
    "too_wide": ("面单比打印机 {printer} 的纸宽", "the label is wider than printer {printer}"),
    "missing_library": ("缺少打印机 {printer} 所需的库", "a library for {printer} is missing"),
    "spooler": ("打印队列 {printer} 拒绝了任务", "print spooler {printer} refused the job"),
}
PARTIAL = (
    "面单未完整发送（未切纸），如打出半张请撕下作废，稍后自动重打",
    "the label was not sent in full (no cut); discard any half label; it will retry",
)
WARNINGS: Mapping[str, tuple[str, str]] = {
    "paper_near_end": ("已打印；纸将用完，请准备换纸", "printed; paper nearly out, get a roll"),
    "unconfirmed": (
        "已发送；此打印机不回报状态，请确认面单已打出",
        "sent; this printer does not report back, check the label came out",
    ),
}
LAMPS: Mapping[str, tuple[str, str]] = {
    "ready": ("就绪", "ready"),
    "printing": ("打印中", "printing"),
    "paper_near_end": ("纸将用完", "paper nearly out"),
    "paper_out": ("缺纸", "out of paper"),
    "cover_open": ("盖未关好", "cover open"),
    "offline": ("离线", "offline"),
    "error": ("故障", "error"),
    "unknown": ("状态未知", "state unknown"),
}


class _Blank(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "?"


def job_error_text(error: JobError) -> tuple[str, str]:
    """(Chinese, English) for a job's error code and its parameters."""
    zh, en = JOB_ERRORS.get(error.code, (error.code, error.code))
    values = _Blank(error.params)
    if error.code == "outcome_unknown":
        values["cause"] = error.params.get("cause", "?")
    zh, en = zh.format_map(values), en.format_map(values)
    if error.params.get("partial"):
        zh, en = f"{zh}；{PARTIAL[0]}", f"{en}; {PARTIAL[1]}"
    return zh, en


def warning_text(code: str) -> tuple[str, str]:
    return WARNINGS.get(code, (code, code))


def lamp_text(code: str) -> tuple[str, str]:
    return LAMPS.get(code, (code, code))
