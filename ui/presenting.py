"""What the banner says about one scan: tone, headline, the next thing to do. No Qt.

Kept apart from the widgets so every verdict's words can be tested without a window.
"""

from __future__ import annotations

from dataclasses import dataclass

from packstation.ui.bench_controller import ScanReport
from packstation.ui.texts import text, visible
from packstation.ui.verdict_style import VERDICT_TONE, WRONG, Tone

from packstation.domain.verdicts import Verdict
from packstation.messages import verdict_text
from packstation.services.boxes import Box, ScanResult


@dataclass(frozen=True, slots=True)
class Presentation:
    tone: Tone
    headline: str
    next_step: str


def next_step_for_box(box: Box | None, lang: str) -> str:
    """What to scan now: the next unit of the open box, else the next order."""
    if box is None:
        return text("next_scan_order", lang)
    line = next((ln for ln in box.lines if ln.packed < ln.required), None)
    if line is None:
        return text("next_scan_order", lang)
    return text("next_scan_item", lang, title=line.title or line.sku)


def _title(box: Box | None, sku: str | None) -> str:
    if box is not None and sku is not None:
        for line in box.lines:
            if line.sku == sku:
                return line.title or sku
    return sku or ""


def present(report: ScanReport, box: Box | None, lang: str) -> Presentation:
    """The banner for `report`; `box` is the box open after it (None when none is)."""
    result: ScanResult = report.last
    verdict = result.verdict
    tone = VERDICT_TONE[verdict]
    said = verdict_text(verdict, lang)
    if report.extra_of is not None:
        return Presentation(
            WRONG, text("extra_unit", lang, order_no=report.extra_of), text("next_extra", lang)
        )
    concerned = result.box or box
    if verdict is Verdict.OK and concerned is not None:
        headline = text(
            "ok_count", lang, packed=concerned.units_packed, required=concerned.units_required
        )
        return Presentation(tone, headline, next_step_for_box(box, lang))
    if verdict is Verdict.ORDER_OPENED and concerned is not None:
        headline = text(
            "opened", lang, order_no=concerned.order_no, required=concerned.units_required
        )
        return Presentation(tone, headline, next_step_for_box(box, lang))
    if verdict is Verdict.ORDER_COMPLETE:
        return Presentation(
            tone,
            text("complete", lang, order_no=result.order_no or ""),
            text("next_scan_order", lang),
        )
    if verdict in (Verdict.WRONG_ITEM, Verdict.OVER_QUANTITY):
        key = "wrong_item" if verdict is Verdict.WRONG_ITEM else "over_quantity"
        headline = text(key, lang, title=_title(box, result.sku))
        following = text("next_remove", lang, next=next_step_for_box(box, lang))
        return Presentation(tone, headline, following)
    if verdict in (Verdict.UNKNOWN_CODE, Verdict.NOT_FOUND):
        return Presentation(tone, said, text("unrecognised", lang, code=visible(report.code)))
    if verdict is Verdict.AMBIGUOUS_CODE:
        return Presentation(tone, said, " / ".join(result.candidates))
    if verdict is Verdict.IN_PROGRESS_ELSEWHERE:
        bench = f"（{result.other_bench}）" if result.other_bench else ""
        return Presentation(tone, said + bench, text("next_supervisor", lang))
    if verdict is Verdict.DUPLICATE_READ:
        return Presentation(tone, said, next_step_for_box(box, lang))
    if verdict is Verdict.INTERCEPTED:
        return Presentation(tone, said, text("stop_hint", lang))
    return Presentation(tone, said, next_step_for_box(box, lang))


def stop_reason_text(reason: str | None, lang: str) -> str:
    key = f"stop_reason_{reason or 'changed'}"
    try:
        return text(key, lang)
    except KeyError:
        return text("stop_reason_changed", lang)
