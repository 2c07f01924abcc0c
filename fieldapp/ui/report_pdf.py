"""The monthly overview as a PDF (Qt's QPdfWriter), and the same pages as images for a preview.

One drawing function per page paints on any QPainter in a fixed logical page of 1000 × 1414
units (A4's proportions), so the PDF, the preview and the screenshot a test looks at are the
same drawing. Pages:

1. what the report is (month, generation time, filters, vault), incidents by public category,
   killed and injured by group (table and a min–max bar chart);
2. a map of the month's incidents per 0.1° cell on the bundled Natural Earth land outline, and
   the areas with the most incidents;
3. and on: the changes of public category since last month (ROWS_PER_PAGE per page).

Text from the vault (area names, references) is drawn as plain text, never as rich text.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
)
from PySide6.QtWidgets import QApplication

from fieldapp import mapdata
from fieldapp.errors import FieldappError, MapDataError
from fieldapp.resources import resource
from fieldapp.review.reports import MonthlyOverview

PAGE_W = 1000.0
PAGE_H = 1414.0
MARGIN = 60.0
ROWS_PER_PAGE = 38  # changes per page
AREAS_ON_MAP_PAGE = 18
_LINE = 24.0

INK = QColor("#1a1a1a")
MUTED = QColor("#5f6368")
RULE = QColor("#c8c8c8")
KILLED = QColor("#8e2c2c")
INJURED = QColor("#c07a16")
LAND = QColor("#ecebe6")
COAST = QColor("#9a9a94")
POINT = QColor(142, 44, 44, 170)

_app: QApplication | None = None


class PdfError(FieldappError):
    """The PDF could not be written (disk, permissions)."""


def ensure_gui_application() -> None:
    """Drawing text needs a QGuiApplication; the CLI has none, so make an offscreen one.

    Only when none exists: inside the desktop app the running one is used. A QApplication
    (not only a QGuiApplication), so that widgets made later in the same process still work.
    """
    global _app
    if QCoreApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _app = QApplication([])


def page_count(overview: MonthlyOverview) -> int:
    """Pages of the PDF: two, then the changes (at least one page, saying there are none)."""
    return 2 + max(1, math.ceil(len(overview.changes) / ROWS_PER_PAGE))


def _category_label(key: str) -> str:
    return {
        "confirmed": QCoreApplication.translate("ReportPdf", "Confirmed"),
        "unconfirmed": QCoreApplication.translate("ReportPdf", "Unconfirmed"),
        "unlikely": QCoreApplication.translate("ReportPdf", "Unlikely"),
        "none": QCoreApplication.translate("ReportPdf", "Not yet categorised"),
        "total": QCoreApplication.translate("ReportPdf", "Total"),
    }.get(key, key)


def _group_label(key: str) -> str:
    return {
        "women": QCoreApplication.translate("ReportPdf", "Women"),
        "men": QCoreApplication.translate("ReportPdf", "Men"),
        "girls": QCoreApplication.translate("ReportPdf", "Girls"),
        "boys": QCoreApplication.translate("ReportPdf", "Boys"),
        "unknown": QCoreApplication.translate("ReportPdf", "Unknown"),
        "total": QCoreApplication.translate("ReportPdf", "Total"),
    }.get(key, key)


def _number(value: int) -> str:
    return QLocale().toString(value)  # grouped digits in the reader's locale


def _range(low: int, high: int) -> str:
    return _number(low) if low == high else f"{_number(low)}–{_number(high)}"


# --- drawing helpers ------------------------------------------------------------------------------
def _font(painter: QPainter, size: float, bold: bool = False) -> None:
    font = QFont("DejaVu Sans")
    font.setPixelSize(max(1, round(size)))
    font.setBold(bold)
    painter.setFont(font)


def _text(
    painter: QPainter,
    x: float,
    y: float,
    w: float,
    text: str,
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
    colour: QColor = INK,
    height: float = _LINE,
) -> None:
    painter.setPen(colour)
    flags = int(align | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine)
    metrics = painter.fontMetrics()
    shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(w))
    painter.drawText(QRectF(x, y, w, height), flags, shown)


def _table(
    painter: QPainter,
    top: float,
    headers: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[Sequence[str]],
    bold_last: bool = False,
    text_columns: int = 1,
) -> float:
    """A ruled table: `text_columns` left-aligned, then figures right; returns its bottom."""
    x0 = MARGIN
    _font(painter, 15, bold=True)
    x = x0
    for i, (header, width) in enumerate(zip(headers, widths, strict=True)):
        align = Qt.AlignmentFlag.AlignLeft if i < text_columns else Qt.AlignmentFlag.AlignRight
        _text(painter, x + 4, top, width - 8, header, align, MUTED)
        x += width
    y = top + _LINE
    painter.setPen(QPen(RULE, 1.2))
    painter.drawLine(QPointF(x0, y), QPointF(x0 + sum(widths), y))
    for n, row in enumerate(rows):
        _font(painter, 15, bold=bold_last and n == len(rows) - 1)
        x = x0
        for i, (cell, width) in enumerate(zip(row, widths, strict=True)):
            align = Qt.AlignmentFlag.AlignLeft if i < text_columns else Qt.AlignmentFlag.AlignRight
            _text(painter, x + 4, y + 2, width - 8, cell, align)
            x += width
        y += _LINE
        if bold_last and n == len(rows) - 2:
            painter.setPen(QPen(RULE, 1.2))
            painter.drawLine(QPointF(x0, y + 1), QPointF(x0 + sum(widths), y + 1))
    return y


def _heading(painter: QPainter, y: float, text: str) -> float:
    _font(painter, 20, bold=True)
    _text(painter, MARGIN, y, PAGE_W - 2 * MARGIN, text, height=30)
    return y + 38


def _header(painter: QPainter, overview: MonthlyOverview, page: int, pages: int) -> float:
    info = overview.info
    _font(painter, 12)
    _text(
        painter,
        MARGIN,
        MARGIN - 36,
        PAGE_W - 2 * MARGIN,
        QCoreApplication.translate(
            "ReportPdf", "Monthly overview {month} · {cell} · generated {at} UTC"
        ).format(month=info.month, cell=info.cell_name, at=info.generated_at),
        colour=MUTED,
    )
    _text(
        painter,
        MARGIN,
        PAGE_H - MARGIN + 12,
        PAGE_W - 2 * MARGIN,
        QCoreApplication.translate(
            "ReportPdf", "INTERNAL: not released. Page {n} of {count}"
        ).format(n=page + 1, count=pages),
        Qt.AlignmentFlag.AlignRight,
        MUTED,
    )
    painter.setPen(QPen(RULE, 1))
    painter.drawLine(QPointF(MARGIN, MARGIN - 8), QPointF(PAGE_W - MARGIN, MARGIN - 8))
    return MARGIN + 6


# --- page 1: categories and casualties ------------------------------------------------------------
def _page_summary(painter: QPainter, overview: MonthlyOverview) -> None:
    info = overview.info
    y = _header(painter, overview, 0, page_count(overview))
    _font(painter, 30, bold=True)
    title = QCoreApplication.translate("ReportPdf", "Monthly overview: {month}").format(
        month=info.month
    )
    _text(painter, MARGIN, y, PAGE_W - 2 * MARGIN, title, height=44)
    y += 52
    _font(painter, 14)
    facts = [
        (QCoreApplication.translate("ReportPdf", "Generated (UTC)"), info.generated_at),
        (
            QCoreApplication.translate("ReportPdf", "Filters"),
            "; ".join(f"{k}={v}" for k, v in info.filters.items())
            or QCoreApplication.translate("ReportPdf", "none"),
        ),
        (QCoreApplication.translate("ReportPdf", "Vault"), f"{info.cell_name} ({info.device_id})"),
        (
            QCoreApplication.translate("ReportPdf", "Incidents"),
            QCoreApplication.translate(
                "ReportPdf", "those that started in the month (time.start, UTC)"
            ),
        ),
    ]
    for label, value in facts:
        _text(painter, MARGIN, y, 170, label, colour=MUTED)
        _text(painter, MARGIN + 175, y, PAGE_W - 2 * MARGIN - 175, value)
        y += _LINE - 2
    y += 18
    y = _heading(
        painter, y, QCoreApplication.translate("ReportPdf", "Incidents by public category")
    )
    y = _table(
        painter,
        y,
        (
            QCoreApplication.translate("ReportPdf", "Category"),
            QCoreApplication.translate("ReportPdf", "Incidents"),
            QCoreApplication.translate("ReportPdf", "Still open"),
        ),
        (420, 200, 200),
        [
            (_category_label(r.category), str(r.incidents), str(r.still_open))
            for r in overview.categories
        ],
        bold_last=True,
    )
    y += 30
    y = _heading(
        painter,
        y,
        QCoreApplication.translate("ReportPdf", "Civilians killed and injured (minimum–maximum)"),
    )
    y = _table(
        painter,
        y,
        (
            QCoreApplication.translate("ReportPdf", "Group"),
            QCoreApplication.translate("ReportPdf", "Killed"),
            QCoreApplication.translate("ReportPdf", "Injured"),
        ),
        (420, 200, 200),
        [
            (
                _group_label(g.group),
                _range(g.killed_min, g.killed_max),
                _range(g.injured_min, g.injured_max),
            )
            for g in overview.groups
        ],
        bold_last=True,
    )
    y += 30
    y = _heading(painter, y, QCoreApplication.translate("ReportPdf", "Killed and injured by group"))
    _bar_chart(painter, QRectF(MARGIN, y, PAGE_W - 2 * MARGIN, PAGE_H - MARGIN - y - 30), overview)


def _bar_chart(painter: QPainter, area: QRectF, overview: MonthlyOverview) -> None:
    """Horizontal bars per group: solid to the minimum, lighter to the maximum."""
    groups = [g for g in overview.groups if g.group != "total"]
    label_w = 130.0
    value_w = 170.0  # room for "100,456–176,183" right of the longest bar
    legend_h = 30.0
    plot = QRectF(
        area.left() + label_w,
        area.top(),
        area.width() - label_w - value_w,
        area.height() - legend_h,
    )
    top = max([1, *(max(g.killed_max, g.injured_max) for g in groups)])
    band = plot.height() / max(1, len(groups))
    bar = min(22.0, band * 0.36)
    painter.setPen(QPen(RULE, 1))
    painter.drawLine(plot.bottomLeft(), plot.topLeft())
    _font(painter, 14)
    for n, g in enumerate(groups):
        y = plot.top() + n * band + band / 2
        _text(painter, area.left(), y - _LINE / 2, label_w - 10, _group_label(g.group))
        for offset, (low, high, colour) in enumerate(
            ((g.killed_min, g.killed_max, KILLED), (g.injured_min, g.injured_max, INJURED))
        ):
            by = y - bar - 1 + offset * (bar + 2)
            light = QColor(colour)
            light.setAlpha(90)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(light))
            painter.drawRect(QRectF(plot.left(), by, plot.width() * high / top, bar))
            painter.setBrush(QBrush(colour))
            painter.drawRect(QRectF(plot.left(), by, plot.width() * low / top, bar))
            _font(painter, 12)
            _text(
                painter,
                plot.left() + plot.width() * high / top + 6,
                by + bar / 2 - _LINE / 2,
                value_w - 6,
                _range(low, high),
                colour=MUTED,
            )
            _font(painter, 14)
    # legend
    ly = area.bottom() - legend_h + 8
    x = plot.left()
    for label, colour in (
        (QCoreApplication.translate("ReportPdf", "Killed"), KILLED),
        (QCoreApplication.translate("ReportPdf", "Injured"), INJURED),
    ):
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(colour))
        painter.drawRect(QRectF(x, ly + 6, 16, 12))
        _text(painter, x + 22, ly, 120, label)
        x += 140
    _font(painter, 12)
    _text(
        painter,
        x,
        ly,
        area.right() - x,
        QCoreApplication.translate("ReportPdf", "solid: minimum; light: up to the maximum"),
        colour=MUTED,
    )


# --- page 2: map and areas ------------------------------------------------------------------------
_outlines: dict[str, list[mapdata.Ring]] = {}
LAND_FILE = "ne_110m_land.geojson"
BORDERS_FILE = "ne_110m_admin_0_boundary_lines_land.geojson"


def _rings(name: str) -> list[mapdata.Ring]:
    """A bundled outline, projected once per process."""
    if name not in _outlines:
        try:
            _outlines[name] = mapdata.load_lines(resource("naturalearth", name))
        except (MapDataError, FileNotFoundError):
            _outlines[name] = []  # the map still shows the incidents, on a blank background
    return _outlines[name]


def _page_map(painter: QPainter, overview: MonthlyOverview) -> None:
    y = _header(painter, overview, 1, page_count(overview))
    y = _heading(
        painter, y, QCoreApplication.translate("ReportPdf", "Where: incidents per 0.1° cell")
    )
    box = QRectF(MARGIN, y, PAGE_W - 2 * MARGIN, 640)
    _map(painter, box, overview)
    _font(painter, 12)
    note = QCoreApplication.translate(
        "ReportPdf",
        "Circle area is proportional to incidents in the cell. Without a position: {n}.",
    )
    _text(
        painter,
        MARGIN,
        box.bottom() + 4,
        box.width(),
        note.format(n=overview.without_position),
        colour=MUTED,
    )
    y = box.bottom() + 40
    y = _heading(painter, y, QCoreApplication.translate("ReportPdf", "By area"))
    shown = overview.areas[:AREAS_ON_MAP_PAGE]
    y = _table(
        painter,
        y,
        (
            QCoreApplication.translate("ReportPdf", "Area"),
            QCoreApplication.translate("ReportPdf", "Incidents"),
            QCoreApplication.translate("ReportPdf", "Killed"),
            QCoreApplication.translate("ReportPdf", "Injured"),
        ),
        (400, 120, 180, 180),
        [
            (
                a.area,
                str(a.incidents),
                _range(a.killed_min, a.killed_max),
                _range(a.injured_min, a.injured_max),
            )
            for a in shown
        ],
    )
    hidden = len(overview.areas) - len(shown)
    if hidden > 0:
        _font(painter, 12)
        _text(
            painter,
            MARGIN,
            y + 4,
            box.width(),
            QCoreApplication.translate("ReportPdf", "…and {n} more areas (see the CSV).").format(
                n=hidden
            ),
            colour=MUTED,
        )


def _map(painter: QPainter, box: QRectF, overview: MonthlyOverview) -> None:
    """Land outline and the month's cells, fitted to the cells (at least 4° across)."""
    painter.save()
    painter.setPen(QPen(RULE, 1))
    painter.setBrush(QBrush(QColor("#f7fbff")))
    painter.drawRect(box)
    painter.setClipRect(box)
    points = [mapdata.normalised_mercator(c.lat, c.lon) for c in overview.cells]
    if points:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        span = max(max(xs) - min(xs), max(ys) - min(ys)) * 1.25
    else:
        cx, cy = 0.5, 0.5
        span = 0.0
    span = max(span, 4.0 / 360.0)  # at least ~4° of longitude
    scale = min(box.width(), box.height()) / span

    def to_page(x: float, y: float) -> QPointF:
        return QPointF(box.center().x() + (x - cx) * scale, box.center().y() + (y - cy) * scale)

    painter.setPen(QPen(COAST, 1.0))
    painter.setBrush(QBrush(LAND))
    for ring in _rings(LAND_FILE):
        if len(ring) < 2:
            continue
        path = QPainterPath(to_page(*ring[0]))
        for x, y in ring[1:]:
            path.lineTo(to_page(x, y))
        path.closeSubpath()
        painter.drawPath(path)
    painter.setPen(QPen(COAST, 1.0, Qt.PenStyle.DashLine))  # country borders, for orientation
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for ring in _rings(BORDERS_FILE):
        if len(ring) < 2:
            continue
        path = QPainterPath(to_page(*ring[0]))
        for x, y in ring[1:]:
            path.lineTo(to_page(x, y))
        painter.drawPath(path)
    biggest = max([1, *(c.incidents for c in overview.cells)])
    painter.setPen(QPen(QColor("#ffffff"), 1.0))
    painter.setBrush(QBrush(POINT))
    for cell, (x, y) in zip(overview.cells, points, strict=True):
        radius = 4.0 + 22.0 * math.sqrt(cell.incidents / biggest)
        painter.drawEllipse(to_page(x, y), radius, radius)
    painter.restore()
    _font(painter, 11)
    _text(
        painter,
        box.left() + 6,
        box.bottom() - _LINE - 4,
        box.width() - 12,
        QCoreApplication.translate("ReportPdf", "Natural Earth land outline; Web Mercator"),
        Qt.AlignmentFlag.AlignRight,
        MUTED,
    )


# --- pages 3+: changes ----------------------------------------------------------------------------
def _page_changes(painter: QPainter, overview: MonthlyOverview, index: int) -> None:
    pages = page_count(overview)
    y = _header(painter, overview, 2 + index, pages)
    y = _heading(
        painter,
        y,
        QCoreApplication.translate("ReportPdf", "Changes of public category since last month"),
    )
    chunk = overview.changes[index * ROWS_PER_PAGE : (index + 1) * ROWS_PER_PAGE]
    if not overview.changes:
        _font(painter, 15)
        _text(
            painter,
            MARGIN,
            y,
            PAGE_W - 2 * MARGIN,
            QCoreApplication.translate("ReportPdf", "No incident changed category."),
        )
        return
    _table(
        painter,
        y,
        (
            QCoreApplication.translate("ReportPdf", "Reference"),
            QCoreApplication.translate("ReportPdf", "Area"),
            QCoreApplication.translate("ReportPdf", "Started"),
            QCoreApplication.translate("ReportPdf", "From"),
            QCoreApplication.translate("ReportPdf", "To"),
        ),
        (230, 200, 110, 170, 170),
        [
            (c.ref_code, c.area, c.start[:10], _category_label(c.before), _category_label(c.after))
            for c in chunk
        ],
        text_columns=5,
    )


def paint_page(painter: QPainter, overview: MonthlyOverview, page: int) -> None:
    """Draw page `page` (0-based) in the logical 1000 × 1414 page the painter is set up for."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if page == 0:
        _page_summary(painter, overview)
    elif page == 1:
        _page_map(painter, overview)
    else:
        _page_changes(painter, overview, page - 2)


def _fit(painter: QPainter, width: float, height: float) -> None:
    """Map the logical page onto a device of `width` × `height`, keeping the proportions."""
    scale = min(width / PAGE_W, height / PAGE_H)
    painter.scale(scale, scale)


def render_page(overview: MonthlyOverview, page: int, width: int = 1000) -> QImage:
    """One page as an image (the dialog's preview; tests look at it)."""
    ensure_gui_application()
    height = round(width * PAGE_H / PAGE_W)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    try:
        _fit(painter, width, height)
        paint_page(painter, overview, page)
    finally:
        painter.end()
    return image


def write_monthly_pdf(
    overview: MonthlyOverview, path: Path, check: Callable[[], None] | None = None
) -> int:
    """Write the overview's PDF to `path` (A4, 15 mm margins); returns the page count.

    `check` is called between pages (a cancel check raises there).
    """
    ensure_gui_application()
    writer = QPdfWriter(str(path))
    writer.setResolution(300)
    title = QCoreApplication.translate("ReportPdf", "Monthly overview {month}")
    writer.setTitle(title.format(month=overview.info.month))
    writer.setCreator("fieldapp")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    pages = page_count(overview)
    painter = QPainter()
    if not painter.begin(writer):
        raise PdfError(f"Cannot write the PDF file {path}.")
    try:
        rect = writer.pageLayout().paintRectPixels(writer.resolution())
        size = QSizeF(rect.width(), rect.height())
        _fit(painter, size.width(), size.height())
        for page in range(pages):
            if page:
                if check is not None:
                    check()
                if not writer.newPage():
                    raise PdfError(f"Cannot add a page to the PDF file {path}.")
            paint_page(painter, overview, page)
    finally:
        painter.end()
    return pages
