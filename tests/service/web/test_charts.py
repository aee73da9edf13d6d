"""Server-side SVG charts: accessible, proportional, and escaped."""

import re

from service.web.charts import Bar, columns, horizontal_bars


def widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect [^>]*width="([0-9.]+)" height="15"', svg)]


def test_bars_are_proportional_and_carry_a_text_alternative():
    svg = str(horizontal_bars([Bar("A", 1, "1"), Bar("B", 4, "4", marker=5)], scale_max=5,
                              title="Levels", desc="two bars"))
    assert 'role="img"' in svg and "<title" in svg and "two bars</desc>" in svg
    a, b = widths(svg)
    assert abs(b / a - 4) < 1e-6
    assert svg.count('stroke="#c0392b"') == 1  # one marker


def test_labels_are_escaped_and_shortened():
    svg = str(horizontal_bars([Bar("<script>alert(1)</script>" * 3, 1, "x")], scale_max=1,
                              title="<b>", desc="d"))
    assert "<script>" not in svg and "&lt;b&gt;" in svg
    assert "…" in svg


def test_columns_scale_to_the_highest_value_and_ids_are_unique():
    first = str(columns([Bar("Q1", 10, "10"), Bar("Q2", 5, "5")], title="t", desc="d"))
    second = str(columns([Bar("Q1", 1, "1")], title="t", desc="d"))
    heights = [float(h) for h in re.findall(r'height="([0-9.]+)" fill', first)]
    assert heights[0] == 2 * heights[1]
    ids = re.findall(r'id="(chart\d+)-t"', first + second)
    assert len(set(ids)) == 2
