"""Utilization against goal by program, as an SVG a browser opens directly.

One bar per program (spend utilization, percent of all spend), a dashed marker at the goal,
and the figures written beside them so the chart reads without hovering.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from projections.diversity.report import TOTAL, DiversityReport

_WIDTH, _ROW, _TOP, _LEFT, _PLOT = 860, 34, 70, 250, 460
_SVG = "http://www.w3.org/2000/svg"


def _text(parent: ET.Element, x: float, y: float, text: str, **attrs: str) -> None:
    node = ET.SubElement(parent, "text", {"x": f"{x:.1f}", "y": f"{y:.1f}", **attrs})
    node.text = text


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def render_chart(report: DiversityReport) -> str:
    rows = [r for r in report.rows if r.program != TOTAL and
            (r.spend_certified or r.goal_percent is not None)]
    total = next((r for r in report.rows if r.program == TOTAL), None)
    scale_max = max([100.0 if not rows else 0.0] + [max(r.utilization_percent or 0.0, r.goal_percent or 0.0)
                                                    for r in rows])
    scale_max = max(10.0, min(100.0, (int(scale_max / 10) + 1) * 10))
    height = _TOP + _ROW * max(len(rows), 1) + 70
    svg = ET.Element("svg", {"xmlns": _SVG, "width": str(_WIDTH), "height": str(height),
                             "viewBox": f"0 0 {_WIDTH} {height}", "role": "img",
                             "font-family": "Helvetica, Arial, sans-serif", "font-size": "13"})
    who = report.agency_name or report.agency or "All agencies"
    title = f"Supplier diversity: {who}, {report.period_from.isoformat()} to {report.period_to.isoformat()}"
    ET.SubElement(svg, "title").text = title
    _text(svg, 20, 28, title, **{"font-size": "16", "font-weight": "bold"})
    subtitle = f"Share of spend paid to certified vendors ({report.currency}); dashed line: goal"
    if total is not None and total.utilization_percent is not None:
        subtitle += f"; all certified vendors, each dollar once: {_percent(total.utilization_percent)}"
    _text(svg, 20, 50, subtitle, fill="#444")
    plot = ET.SubElement(svg, "g", {"class": "plot"})
    bottom = _TOP + _ROW * max(len(rows), 1)
    for tick in range(0, int(scale_max) + 1, 10 if scale_max <= 50 else 20):
        x = _LEFT + _PLOT * tick / scale_max
        ET.SubElement(plot, "line", {"x1": f"{x:.1f}", "x2": f"{x:.1f}", "y1": str(_TOP - 6),
                                     "y2": str(bottom), "stroke": "#ddd"})
        _text(plot, x, bottom + 18, f"{tick}%", **{"text-anchor": "middle", "fill": "#666"})
    if not rows:
        _text(plot, _LEFT, _TOP + 20, "No certified spend and no goals in this period.", fill="#666")
    for i, row in enumerate(rows):
        y = _TOP + i * _ROW
        utilization = max(row.utilization_percent or 0.0, 0.0)
        width = _PLOT * min(utilization, scale_max) / scale_max
        meets = row.goal_percent is None or utilization >= row.goal_percent
        _text(plot, _LEFT - 10, y + 17, f"{row.program_name} ({row.program})",
              **{"text-anchor": "end", "class": "label"})
        ET.SubElement(plot, "rect", {"class": "bar", "data-program": row.program,
                                     "data-utilization": f"{utilization:.2f}",
                                     "x": str(_LEFT), "y": str(y + 4), "width": f"{width:.1f}", "height": "20",
                                     "fill": "#2a7ab8" if meets else "#d9822b"})
        figure = _percent(row.utilization_percent)
        if row.goal_percent is not None:
            gx = _LEFT + _PLOT * min(row.goal_percent, scale_max) / scale_max
            ET.SubElement(plot, "line", {"class": "goal", "data-program": row.program,
                                         "data-goal": f"{row.goal_percent:.2f}",
                                         "x1": f"{gx:.1f}", "x2": f"{gx:.1f}", "y1": str(y), "y2": str(y + 28),
                                         "stroke": "#222", "stroke-width": "2", "stroke-dasharray": "4 3"})
            figure += f" of {_percent(row.goal_percent)} goal"
        _text(plot, _LEFT + _PLOT + 12, y + 17, figure, **{"class": "value"})
    _text(svg, 20, height - 14, "A vendor certified in several programs counts in each program.",
          fill="#666", **{"font-size": "11"})
    return ET.tostring(svg, encoding="unicode", xml_declaration=False)
