"""Recognise each file's format from its headers, pair Taobao reports, and run the parsers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from packstation.errors import UserError
from packstation.importers import generic, jd, pdd, taobao
from packstation.importers.reading import Table
from packstation.importers.records import FileFloodedError, ParsedFile

FORMATS = ("csv", "products", "taobao", "jd", "pdd")
# `--format csv` names the plain files of DESIGN.md, orders and the product catalogue alike.
_ACCEPTS = {"csv": ("csv", "products")}

# A "kind" is what one file is; a format may need two kinds (Taobao orders + items).
_Detector = Callable[[set[str]], bool]
_Parser = Callable[[Table, Callable[[int], None]], ParsedFile]
_KINDS: list[tuple[str, str, _Detector]] = []  # (kind, format, detector), most specific first
_SINGLE: dict[str, _Parser] = {}


def register(kind: str, format_: str, detector: _Detector, parser: _Parser | None) -> None:
    """Add a file kind; `parser` is None for kinds that are only parsed as a pair."""
    _KINDS.append((kind, format_, detector))
    if parser is not None:
        _SINGLE[kind] = parser


class _Progress:
    """Counts rows across all files; parsers tick once per TICK_ROWS rows."""

    def __init__(self, callback: Callable[[int, int], None] | None, total: int) -> None:
        self.callback = callback
        self.total = max(total, 1)
        self.done = 0

    def tick(self, rows: int) -> None:
        self.done = min(self.done + rows, self.total - 1)
        if self.callback is not None:
            self.callback(self.done, self.total)

    def finish(self) -> None:
        if self.callback is not None:
            self.callback(self.total, self.total)


def detect(table: Table) -> tuple[str, str]:
    """(kind, format) of a table from its headers; UserError listing them if unknown."""
    headers = set(table.headers)
    for kind, format_, detector in _KINDS:
        if detector(headers):
            return kind, format_
    seen = ", ".join(h for h in table.raw_headers[:30] if h.strip())
    raise UserError(
        f"无法识别 {table.name} 的格式。支持：通用订单表、商品表、淘宝/天猫订单报表+宝贝报表、"
        f"京东、拼多多订单导出。文件的表头是：{seen}",
        f"Cannot recognise the format of {table.name}. Supported: the generic order file, "
        "the product file, Taobao/Tmall order + item reports, JD and Pinduoduo order "
        f"exports. Its headers are: {seen}",
    )


@dataclass(frozen=True, slots=True)
class ParseJob:
    """One logical file (a Taobao pair counts as one), parsed when `parse` is called."""

    format: str
    sources: tuple[str, ...]
    rows: int  # estimated from line counts, for progress
    parse: Callable[[], ParsedFile]


def plan_tables(
    tables: Sequence[Table], format_: str, progress: Callable[[int, int], None] | None
) -> list[ParseJob]:
    """Detect and pair every table first (so a file of unknown format fails before any
    is parsed); progress then counts rows across all the jobs, done when the last is."""
    if format_ != "auto" and format_ not in FORMATS:
        raise UserError(
            f"未知格式“{format_}”，可选：auto、{'、'.join(FORMATS)}。",
            f"Unknown format '{format_}'; choose auto or one of: {', '.join(FORMATS)}.",
        )
    found: list[tuple[str, str]] = []  # (kind, format) of each table
    for table in tables:
        kind, detected = detect(table)
        if format_ != "auto" and detected not in _ACCEPTS.get(format_, (format_,)):
            raise UserError(
                f"{table.name} 看起来是 {detected} 格式，而不是指定的 {format_}。",
                f"{table.name} looks like the {detected} format, not {format_} as asked.",
            )
        found.append((kind, detected))
    parsers: list[tuple[str, tuple[str, ...], int, _Job]] = []
    pending_pairs: list[tuple[str, Table]] = []
    for (kind, detected), table in zip(found, tables, strict=True):
        single = _SINGLE.get(kind)
        if single is None:
            pending_pairs.append((kind, table))
        else:
            run = _single_job(single, table)
            parsers.append((detected, (table.name,), table.estimated_rows, run))
    for orders, items in taobao.pairs(pending_pairs) if pending_pairs else []:
        rows = orders.estimated_rows + items.estimated_rows
        parsers.append(("taobao", (orders.name, items.name), rows, _pair_job(orders, items)))
    meter = _Progress(progress, sum(t.estimated_rows for t in tables))
    last = len(parsers) - 1
    if not parsers:
        meter.finish()

    def counted(
        index: int, format_name: str, sources: tuple[str, ...], rows: int, run: _Job
    ) -> Callable[[], ParsedFile]:
        def parse() -> ParsedFile:
            try:
                parsed = run(meter.tick)
            except FileFloodedError as flood:  # mostly junk: the rest is not read
                flood.problems.stopped(sources[-1], flood.row, rows)
                parsed = ParsedFile(format_name, problems=flood.problems, sources=sources)
            if index == last:
                meter.finish()
            return parsed

        return parse

    return [
        ParseJob(format_name, sources, rows, counted(index, format_name, sources, rows, run))
        for index, (format_name, sources, rows, run) in enumerate(parsers)
    ]


_Job = Callable[[Callable[[int], None]], ParsedFile]


def _single_job(parser: _Parser, table: Table) -> _Job:
    return lambda tick: parser(table, tick)


def _pair_job(orders: Table, items: Table) -> _Job:
    return lambda tick: taobao.parse_pair(orders, items, tick)


register("products", "products", generic.looks_like_products, generic.parse_products)
register("csv", "csv", generic.looks_like_orders, generic.parse_orders)
register("taobao_orders", "taobao", taobao.looks_like_orders, None)
register("taobao_items", "taobao", taobao.looks_like_items, None)
register("pdd", "pdd", pdd.looks_like, pdd.parse)
register("jd", "jd", jd.looks_like, jd.parse)
