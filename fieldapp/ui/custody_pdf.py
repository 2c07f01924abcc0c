"""The chain-of-custody PDF of an evidence package (QPdfWriter + QPainter).

For each original: who held it when (capture, ingest on the field device, bundle export, HQ
inbox, import, receipt, package), each with the SHA-256 that ties the step to the bytes; then
the record versions in the package. The same drawing code renders to a QImage
(`render_page`), which is how tests and reviewers look at a page without a PDF reader.

Text is the case's own data and HQ's facts; the headings go through `translate` like every
other GUI string.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)
from PySide6.QtWidgets import QApplication

from fieldapp.review.package import CustodyReport
from fieldapp.ui.i18n import QT_TRANSLATE_NOOP

_DPI = 300
_CONTEXT = "CustodyPdf"

# The stages `review.package` names, marked for the translators (shown in capitals).
STAGES = {
    "capture": QT_TRANSLATE_NOOP("CustodyPdf", "capture"),
    "ingest": QT_TRANSLATE_NOOP("CustodyPdf", "ingest"),
    "bundle export": QT_TRANSLATE_NOOP("CustodyPdf", "bundle export"),
    "HQ inbox": QT_TRANSLATE_NOOP("CustodyPdf", "HQ inbox"),
    "import": QT_TRANSLATE_NOOP("CustodyPdf", "import"),
    "receipt": QT_TRANSLATE_NOOP("CustodyPdf", "receipt"),
    "package": QT_TRANSLATE_NOOP("CustodyPdf", "package"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def ensure_gui_application() -> None:
    """Fonts need a Qt application; the CLI has none, so make an offscreen one there.

    A QApplication (not a bare QGuiApplication), so that widgets can still be made later in
    the same process (the GUI, or a test after a CLI call).
    """
    if QCoreApplication.instance() is None:
        QApplication(["fieldapp", "-platform", "offscreen"])


@dataclass(frozen=True)
class _Line:
    text: str
    style: str  # title, heading, sub, body, mono, rule, gap


def _lines(report: CustodyReport) -> list[_Line]:
    out = [
        _Line(QCoreApplication.translate("CustodyPdf", "Chain of custody"), "title"),
        _Line(f"{report.ref_code}  {report.title}", "heading"),
        _Line(
            QCoreApplication.translate("CustodyPdf", "Incident id: {id}").format(
                id=report.incident_id
            ),
            "body",
        ),
        _Line(
            QCoreApplication.translate("CustodyPdf", "Cell: {cell}").format(cell=report.cell_name),
            "body",
        ),
        _Line(
            QCoreApplication.translate(
                "CustodyPdf", "Package made by {who} at {hq}, {at} (UTC)"
            ).format(who=report.created_by, hq=report.hq_origin, at=report.created_at),
            "body",
        ),
        _Line(
            QCoreApplication.translate("CustodyPdf", "HQ root key (confirm out of band):"), "body"
        ),
        _Line(report.root_vkey, "mono"),
        _Line(
            QCoreApplication.translate("CustodyPdf", "Witness identities: included (reason logged)")
            if report.identities_included
            else QCoreApplication.translate("CustodyPdf", "Witness identities: withheld"),
            "body",
        ),
        _Line("", "gap"),
    ]
    if not report.items:
        out.append(
            _Line(
                QCoreApplication.translate(
                    "CustodyPdf", "This incident has no evidence originals."
                ),
                "body",
            )
        )
    for number, item in enumerate(report.items, 1):
        out.append(_Line("", "rule"))
        out.append(
            _Line(
                QCoreApplication.translate(
                    "CustodyPdf", "Item {n}: {name} ({type}, {size} bytes)"
                ).format(n=number, name=item.original_name, type=item.media_type, size=item.size),
                "heading",
            )
        )
        out.append(
            _Line(
                QCoreApplication.translate("CustodyPdf", "Evidence record {id}").format(
                    id=item.evidence_id
                ),
                "body",
            )
        )
        out.append(
            _Line(
                QCoreApplication.translate("CustodyPdf", "SHA-256 {sha}").format(sha=item.sha256),
                "mono",
            )
        )
        for event in item.events:
            when = event.at or QCoreApplication.translate("CustodyPdf", "(time not known)")
            out.append(
                _Line(
                    f"{when}   {_tr(STAGES.get(event.stage, event.stage)).upper()}   "
                    f"{event.actor}   {event.place}",
                    "sub",
                )
            )
            out.append(_Line(event.detail, "body"))
            if event.sha256:
                out.append(_Line(f"SHA-256 {event.sha256}", "mono"))
        out.append(_Line("", "gap"))
    out.append(_Line("", "rule"))
    out.append(
        _Line(
            QCoreApplication.translate("CustodyPdf", "Record versions in this package"), "heading"
        )
    )
    for rec in report.records:
        mark = (
            QCoreApplication.translate("CustodyPdf", " (identity withheld)") if rec.withheld else ""
        )
        device = QCoreApplication.translate("CustodyPdf", "device")
        out.append(
            _Line(
                f"{rec.kind} {rec.record_id} v{rec.version}   {rec.at}   {rec.author}   "
                f"{device} {rec.device}{mark}",
                "sub",
            )
        )
        out.append(_Line(f"SHA-256 {rec.sha256}", "mono"))
    out.append(_Line("", "gap"))
    out.append(
        _Line(
            QCoreApplication.translate(
                "CustodyPdf",
                "Every hash above can be checked with tools/verify_package.py or by hand "
                "(VERIFY.txt).",
            ),
            "body",
        )
    )
    return out


def _font(style: str, scale: float) -> QFont:
    font = QFont("DejaVu Sans")
    if style == "mono":
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
    sizes = {"title": 18.0, "heading": 12.0, "sub": 9.0, "body": 9.0, "mono": 7.5}
    font.setPointSizeF(sizes.get(style, 9.0) * scale)
    font.setBold(style in ("title", "heading", "sub"))
    return font


def _paginate(
    painter: QPainter, lines: list[_Line], rect: QRectF, scale: float
) -> list[list[tuple[_Line, QRectF]]]:
    pages: list[list[tuple[_Line, QRectF]]] = [[]]
    y = rect.top()
    gap = 4.0 * scale * painter.device().logicalDpiY() / 72.0
    for line in lines:
        if line.style in ("gap", "rule"):
            height = gap
        else:
            metrics = QFontMetricsF(_font(line.style, scale), painter.device())
            bounds = metrics.boundingRect(
                QRectF(0, 0, rect.width(), 1e6), int(Qt.TextFlag.TextWordWrap), line.text
            )
            height = bounds.height() + gap / 2
        if y + height > rect.bottom() and pages[-1]:
            pages.append([])
            y = rect.top()
        pages[-1].append((line, QRectF(rect.left(), y, rect.width(), height)))
        y += height
    return pages


def _draw_page(
    painter: QPainter, page: list[tuple[_Line, QRectF]], number: int, count: int, scale: float
) -> None:
    for line, box in page:
        if line.style == "rule":
            painter.setPen(QColor("#888888"))
            painter.drawLine(box.topLeft(), box.topRight())
            continue
        if line.style == "gap":
            continue
        painter.setPen(QColor("#000000"))
        painter.setFont(_font(line.style, scale))
        painter.drawText(box, int(Qt.TextFlag.TextWordWrap), line.text)
    footer = _font("body", scale * 0.9)
    painter.setFont(footer)
    painter.setPen(QColor("#444444"))
    window = painter.window()
    painter.drawText(
        QRectF(0, window.height() - QFontMetricsF(footer).height() * 1.5, window.width(), 100),
        int(Qt.AlignmentFlag.AlignHCenter),
        QCoreApplication.translate("CustodyPdf", "Page {n} of {count}").format(
            n=number, count=count
        ),
    )


def write_custody_pdf(report: CustodyReport, path: Path) -> None:
    """Write the custody report as an A4 PDF to `path` (the package writer fsyncs it)."""
    ensure_gui_application()
    writer = QPdfWriter(str(path))
    writer.setResolution(_DPI)
    writer.setTitle(QCoreApplication.translate("CustodyPdf", "Chain of custody"))
    writer.setCreator("fieldapp")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(18, 18, 18, 22),
            QPageLayout.Unit.Millimeter,
        )
    )
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write the custody PDF {path}")
    try:
        rect = QRectF(painter.window())
        rect.setBottom(rect.bottom() - 40)
        pages = _paginate(painter, _lines(report), rect, 1.0)
        for number, page in enumerate(pages, 1):
            if number > 1:
                writer.newPage()
            _draw_page(painter, page, number, len(pages), 1.0)
    finally:
        painter.end()


def render_page(report: CustodyReport, page: int = 0, width: int = 1240) -> QImage:
    """One page drawn by the same code onto a white A4-shaped image (to look at it)."""
    ensure_gui_application()
    height = round(width * 297 / 210)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(width / 0.210))
    image.setDotsPerMeterY(round(width / 0.210))
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    try:
        margin = width * 18 / 210
        rect = QRectF(margin, margin, width - 2 * margin, height - 2 * margin - 40)
        pages = _paginate(painter, _lines(report), rect, 1.0)
        _draw_page(painter, pages[min(page, len(pages) - 1)], page + 1, len(pages), 1.0)
    finally:
        painter.end()
    return image


def page_count(report: CustodyReport, width: int = 1240) -> int:
    """How many pages the report takes at this image width (same layout as the PDF)."""
    ensure_gui_application()
    height = round(width * 297 / 210)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.setDotsPerMeterX(round(width / 0.210))
    image.setDotsPerMeterY(round(width / 0.210))
    painter = QPainter(image)
    try:
        margin = width * 18 / 210
        rect = QRectF(margin, margin, width - 2 * margin, height - 2 * margin - 40)
        return len(_paginate(painter, _lines(report), rect, 1.0))
    finally:
        painter.end()
