"""The bench window's parts below the banner: order, destination, preview, lamps, log.

Each part takes plain values (a `Box`, a rule, a PIL image) and the window's unit size
(pixels per text line, from the window height), so one layout reads from a metre on a
1366x768 bench monitor and stays sharp on 4K.
"""

from __future__ import annotations

from packstation.ui.banner import fit_text
from packstation.ui.texts import text
from PIL import Image
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from packstation.address import PriorityRule
from packstation.services.boxes import Box

PANEL = "#22262A"
PANEL_INK = "#F2F2F2"
NEXT_ROW = "#F0E442"  # Okabe-Ito yellow, with an arrow beside it
DONE_INK = "#8FD3B6"


def scaled(widget: QWidget, px: float, bold: bool = False) -> None:
    font = QFont(widget.font())
    font.setPixelSize(max(8, int(px)))
    font.setBold(bold)
    widget.setFont(font)


class Lamp(QWidget):
    """A coloured dot with its words (colour is never the only cue)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = ""
        self.state = ""
        self.colour = QColor("#888888")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._unit = 20.0

    def set_unit(self, unit: float) -> None:
        self._unit = unit
        self.setFixedHeight(int(unit * 1.4))
        self.setMinimumWidth(int(unit * 9))
        self.update()

    def set_state(self, caption: str, state: str, colour: str) -> None:
        self.caption, self.state, self.colour = caption, state, QColor(colour)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        h = self.height()
        d = h * 0.6
        p.setPen(QColor("#000000"))
        p.setBrush(self.colour)
        p.drawEllipse(QRectF(h * 0.2, (h - d) / 2, d, d))
        p.setPen(QColor(PANEL_INK))
        rect = QRectF(h * 0.2 + d + h * 0.25, 0, self.width() - d - h, h)
        fit_text(p, rect, f"{self.caption}：{self.state}", h * 0.6, bold=False)
        p.end()


class DestinationTag(QWidget):
    """Where the parcel goes; a priority city as a large block: mark, city, promise."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.background = QColor(PANEL)
        self.ink = QColor(PANEL_INK)
        self.mark = ""
        self.line1 = ""
        self.line2 = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_destination(self, box: Box | None, rule: PriorityRule | None, lang: str) -> None:
        if box is None:
            self.background, self.ink = QColor(PANEL), QColor(PANEL_INK)
            self.mark, self.line1, self.line2 = "", text("destination", lang), ""
        elif box.address_ambiguous:
            self.background, self.ink = QColor("#E69F00"), QColor("#000000")
            self.mark, self.line1 = "?", text("ambiguous_dest", lang)
            self.line2 = box.address
        elif rule is not None:
            self.background, self.ink = QColor(rule.colour), QColor(rule.text_colour)
            self.mark = rule.mark
            city = rule.city.removesuffix("市")
            self.line1 = text("priority", lang, mark=rule.mark, city=city, promise=rule.promise)
            self.line2 = " ".join(
                dict.fromkeys(p for p in (box.province, box.city, box.district) if p)
            )
        else:
            self.background, self.ink = QColor("#5A6168"), QColor("#FFFFFF")
            self.mark = ""
            self.line1 = text("not_priority", lang)
            self.line2 = " ".join(
                dict.fromkeys(p for p in (box.province, box.city, box.district) if p)
            )
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect())
        p.fillRect(rect, self.background)
        p.setPen(self.ink)
        h, w = rect.height(), rect.width()
        left = h * 0.06
        if self.mark:
            side = h * 0.88
            box = QRectF(left, (h - side) / 2, side, side)
            p.setPen(self.ink)
            p.drawRect(box.adjusted(2, 2, -2, -2))
            fit_text(p, box, self.mark, side * 0.8, centred=True)
            left += side + h * 0.08
        fit_text(p, QRectF(left, h * 0.05, w - left - h * 0.05, h * 0.55), self.line1, h * 0.4)
        fit_text(
            p,
            QRectF(left, h * 0.6, w - left - h * 0.05, h * 0.36),
            self.line2,
            h * 0.22,
            bold=False,
        )
        p.end()


class OrderView(QFrame):
    """The open order: number and platform, one row per line, progress; or the idle prompt."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(f"background:{PANEL}; color:{PANEL_INK};")
        self._unit = 20.0
        self._layout = QVBoxLayout(self)
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setColumnStretch(1, 1)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.idle = QLabel()
        self.idle.setWordWrap(True)
        self.idle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for w in (self.header, self.grid_host, self.progress, self.idle):
            self._layout.addWidget(w)
        self._layout.addStretch(1)
        self.box: Box | None = None
        self.lang = "zh"
        self.row_labels: list[list[QLabel]] = []
        self._shape: tuple[int, tuple[str, ...]] | None = None

    def set_unit(self, unit: float) -> None:
        self._unit = unit
        self._shape = None
        self._render()

    def show_box(self, box: Box | None, lang: str) -> None:
        if lang != self.lang:
            self._shape = None
        self.box, self.lang = box, lang
        self._render()

    def next_line(self) -> int | None:
        """Index of the line the packer should scan next: the first not yet complete."""
        if self.box is None:
            return None
        return next(
            (i for i, line in enumerate(self.box.lines) if line.packed < line.required), None
        )

    def _render(self) -> None:
        u, lang, box = self._unit, self.lang, self.box
        shape = None if box is None else (box.session_id, tuple(ln.sku for ln in box.lines))
        if box is not None and shape == self._shape and self.row_labels:
            self._update_rows(box)  # same box, new counts: no widgets rebuilt
            return
        self._shape = shape
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        self.row_labels = []
        idle = box is None
        self.idle.setVisible(idle)
        self.header.setVisible(not idle)
        self.grid_host.setVisible(not idle)
        self.progress.setVisible(not idle)
        if box is None:
            scaled(self.idle, u * 1.4)
            self.idle.setText(f"{text('idle_hint', lang)}\n\n{text('idle_commands', lang)}")
            return
        scaled(self.header, u * 1.3, bold=True)
        self.header.setText(
            f"{text('order', lang)} {box.order_no}   {text('platform', lang)} {box.platform}"
        )
        heads = ("", text("item", lang), text("expected", lang), text("packed", lang))
        for col, head in enumerate(heads):
            label = QLabel(head)
            scaled(label, u * 0.9)
            label.setStyleSheet("color:#B0B6BC;")
            self.grid.addWidget(label, 0, col)
        for row, line in enumerate(box.lines, start=1):
            cells = [QLabel(), QLabel(f"{line.title or line.sku}\n{line.sku}"), QLabel(), QLabel()]
            for col, cell in enumerate(cells):
                if col >= 2:
                    cell.setAlignment(Qt.AlignmentFlag.AlignCenter)
                self.grid.addWidget(cell, row, col)
            self.row_labels.append(cells)
        scaled(self.progress, u * 1.0, bold=True)
        self.progress.setMinimumHeight(int(u * 1.6))
        self._update_rows(box)

    def _update_rows(self, box: Box) -> None:
        """Counts, the next-unit highlight (colour and arrow) and the progress bar."""
        u, lang = self._unit, self.lang
        nxt = self.next_line()
        for index, (line, cells) in enumerate(zip(box.lines, self.row_labels, strict=True)):
            is_next = index == nxt
            done = line.packed >= line.required
            cells[0].setText("→" if is_next else ("✓" if done else ""))
            cells[2].setText(str(line.required))
            cells[3].setText(str(line.packed))
            style = (
                f"background:{NEXT_ROW}; color:#000000;"
                if is_next
                else (f"color:{DONE_INK};" if done else "")
            ) + "padding:2px;"
            if cells[1].styleSheet() == style and cells[1].font().bold() == is_next:
                continue  # restyling a row costs a style pass: only when it changes
            for col, cell in enumerate(cells):
                scaled(cell, u * (1.1 if col else 1.4), bold=is_next)
                cell.setStyleSheet(style)
        self.progress.setMaximum(max(1, box.units_required))
        self.progress.setValue(box.units_packed)
        self.progress.setFormat(
            text("progress", lang, packed=box.units_packed, required=box.units_required)
        )


class LabelPreview(QFrame):
    """The bitmap the printer was sent, scaled to fit; the words while there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(f"background:{PANEL}; color:{PANEL_INK};")
        self.caption = QLabel()
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.picture, 1)
        self.image: QImage | None = None
        self.empty = ""

    def set_label(self, image: Image.Image | None) -> None:
        self.image = None if image is None else pil_to_qimage(image)
        self._fit()

    def set_caption(self, caption: str, empty: str, unit: float) -> None:
        scaled(self.caption, unit * 0.9)
        scaled(self.picture, unit)
        self.caption.setText(caption)
        self.empty = empty
        self._fit()

    def resizeEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._fit()

    def _fit(self) -> None:
        if self.image is None:
            self.picture.setText(self.empty)
            return
        size = self.picture.size()
        pixmap = QPixmap.fromImage(self.image).scaled(
            size,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self.picture.setPixmap(pixmap)


def pil_to_qimage(image: Image.Image) -> QImage:
    """A copy of a PIL image as a QImage (grey for 1-bit labels, RGB otherwise)."""
    if image.mode in ("1", "L"):
        grey = image.convert("L")
        data = grey.tobytes()
        q = QImage(data, grey.width, grey.height, grey.width, QImage.Format.Format_Grayscale8)
    else:
        rgb = image.convert("RGB")
        data = rgb.tobytes()
        q = QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888)
    return q.copy()


class ScanLog(QFrame):
    """The last scans with their verdicts, newest first."""

    KEEP = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(f"background:{PANEL}; color:{PANEL_INK};")
        self.caption = QLabel()
        self.body = QLabel()
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        # A new line must not re-lay out the window: the log keeps the size it is given.
        self.body.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.body, 1)
        self.entries: list[str] = []

    def add(self, entry: str) -> None:
        self.entries.insert(0, entry)
        del self.entries[self.KEEP :]
        self._show()

    def _show(self) -> None:
        """As many entries as fit whole (never a line cut in half at the bottom)."""
        line = max(1, QFontMetrics(self.body.font()).lineSpacing())
        fits = max(1, self.body.height() // line)
        self.body.setText("\n".join(self.entries[:fits]))

    def resizeEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._show()

    def set_caption(self, caption: str, unit: float) -> None:
        scaled(self.caption, unit * 0.9)
        scaled(self.body, unit * 0.8)
        self.caption.setText(caption)
        self._show()


class ChoicePanel(QFrame):
    """An unclear address: the candidate cities, numbered for the CHOOSE-N command codes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet("background:#E69F00; color:#000000;")
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.address = QLabel()
        self.address.setWordWrap(True)
        self.options = QLabel()
        self.options.setTextFormat(Qt.TextFormat.PlainText)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        for w in (self.title, self.address, self.options, self.hint):
            layout.addWidget(w)
        self.hide()

    def show_choice(
        self,
        title: str,
        address: str,
        options: list[str],
        picked: int | None,
        hint: str,
        unit: float,
    ) -> None:
        scaled(self.title, unit * 1.3, bold=True)
        scaled(self.address, unit)
        scaled(self.options, unit * 1.3, bold=True)
        scaled(self.hint, unit * 0.9)
        self.title.setText(title)
        self.address.setText(address)
        self.options.setText(
            "\n".join(
                f"{'→' if picked == n else '  '} {n}  {option}"
                for n, option in enumerate(options, start=1)
            )
        )
        self.hint.setText(hint)
        self.show()


class PinPanel(QFrame):
    """Name and PIN typed by a person (the scanner capture leaves typing alone)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(
            "QFrame{background:#0072B2; color:#FFFFFF;}"
            "QLineEdit{background:#FFFFFF; color:#000000;}"
        )
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.name = QLineEdit()
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.button = QPushButton()
        row = QHBoxLayout()
        self.name_label, self.pin_label = QLabel(), QLabel()
        for w in (self.name_label, self.name, self.pin_label, self.pin, self.button):
            row.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.hide()

    def set_words(
        self, title: str, name: str, pin: str, button: str, message: str, unit: float
    ) -> None:
        for w, px in (
            (self.title, unit * 1.3),
            (self.name_label, unit),
            (self.pin_label, unit),
            (self.name, unit),
            (self.pin, unit),
            (self.button, unit),
            (self.message, unit),
        ):
            scaled(w, px, bold=w is self.title)
        self.title.setText(title)
        self.name_label.setText(name)
        self.pin_label.setText(pin)
        self.button.setText(button)
        self.message.setText(message)
