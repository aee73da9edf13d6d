"""Excel report of the groups at risk of low training participation, for the head of BKPSDM.

Three sheets (summary, groups, trend) with native Excel charts. Only threshold-safe data is
written: groups below the threshold are dropped, a trend with a shown cell below it is refused,
and text cells are escaped against formula injection.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font

from model.suppression import DEFAULT_THRESHOLD, filter_groups

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TEXT = {
    "id": {
        "sheets": ("Ringkasan", "Kelompok", "Tren"),
        "title": "Kelompok ASN berisiko rendah partisipasi pelatihan",
        "made": "Dibuat", "employees": "Jumlah pegawai dianalisis",
        "org_rate": "Prediksi capaian JP organisasi", "groups": "Kelompok ditampilkan",
        "in_groups": "Pegawai dalam kelompok ditampilkan",
        "hidden": "Kelompok disembunyikan (kurang dari {t} orang)",
        "notes": [
            "Kelompok dan sel dengan kurang dari {t} orang tidak ditampilkan (UU 27/2022).",
            "Prediksi adalah saran; keputusan tetap diambil oleh pejabat yang berwenang.",
            "Rentang: interval kepercayaan 95% dari rata-rata prediksi kelompok.",
            "Tren: tahun yang sudah lewat diperkirakan oleh model yang dilatih sebelum tahun itu.",
        ],
        "group_cols": ("Kelompok", "Aturan", "Jumlah orang", "Prediksi capaian", "Batas bawah",
                       "Batas atas", "Organisasi", "Selisih", "Capaian aktual",
                       "Pendorong", "Intervensi"),
        "bar": "Prediksi capaian per kelompok vs organisasi",
        "trend_cols": ("Triwulan", "Kelompok", "Jumlah orang", "Prediksi", "Aktual"),
        "line": "Partisipasi per triwulan: prediksi vs aktual",
        "all": "(semua)",
    },
    "en": {
        "sheets": ("Summary", "Groups", "Trend"),
        "title": "ASN groups at risk of low training participation",
        "made": "Generated", "employees": "Employees analysed",
        "org_rate": "Organisation's predicted JP attainment", "groups": "Groups shown",
        "in_groups": "People in the groups shown",
        "hidden": "Groups hidden (fewer than {t} people)",
        "notes": [
            "Groups and cells with fewer than {t} people are not shown (UU 27/2022).",
            "Predictions are suggestions; an authorised official makes every decision.",
            "Range: 95% confidence interval of the group's mean prediction.",
            "Trend: a past year is predicted by a model trained before it.",
        ],
        "group_cols": ("Group", "Rule", "People", "Predicted rate", "Lower", "Upper",
                       "Organisation", "Gap", "Actual rate", "Drivers", "Interventions"),
        "bar": "Predicted attainment by group vs organisation",
        "trend_cols": ("Quarter", "Group", "People", "Predicted", "Actual"),
        "line": "Participation by quarter: predicted vs actual",
        "all": "(all)",
    },
}
_GROUP_FIELDS = ("group_id", "rule", "people", "predicted", "predicted_low", "predicted_high",
                 "org_predicted", "gap", "actual", "drivers", "interventions")


def write_risk_report(groups: pd.DataFrame, trend: pd.DataFrame, path: str | Path,
                      language: str = "id", threshold: int = DEFAULT_THRESHOLD) -> Path:
    """Write the risk-group workbook and return its path.

    Args:
        groups: ``discover_groups`` output, optionally with ``annotate_groups`` columns.
        trend: ``participation_trend`` output (grouped or not).
        path: the ``.xlsx`` file to write.
        language: ``"id"`` (Indonesian) or ``"en"``.
        threshold: fewest people in a shown group or trend cell.
    """
    if language not in _TEXT:
        raise ValueError(f"language must be 'id' or 'en', got {language!r}")
    words = _TEXT[language]
    shown = filter_groups(groups, threshold)
    trend = _check_trend(trend, threshold)
    wb = Workbook()
    summary = wb.active
    summary.title = words["sheets"][0]
    _write_summary(summary, groups, shown, words, threshold)
    _write_groups(wb.create_sheet(words["sheets"][1]), shown, words, language)
    _write_trend(wb.create_sheet(words["sheets"][2]), trend, words)
    path = Path(path)
    wb.save(path)
    return path


def escape_cell(value):
    """Cell value safe for Excel: text starting like a formula gets a leading ``'``."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    if hasattr(value, "item"):
        return value.item()
    return value


def _check_trend(trend: pd.DataFrame, threshold: int) -> pd.DataFrame:
    need = {"quarter", "people", "predicted", "actual"}
    if not need <= set(trend.columns):
        raise ValueError(f"trend lacks columns {sorted(need - set(trend.columns))}")
    if "person_key" in trend.columns:
        raise ValueError("trend carries person keys; pass participation_trend output")
    people = pd.to_numeric(trend["people"], errors="coerce")
    small = people.notna() & (people < threshold)
    if small.any():
        first = trend.loc[small].iloc[0]
        where = f"{first['quarter']}" + (f", {first['group']}" if "group" in trend else "")
        raise ValueError(f"trend shows a cell of fewer than {threshold} people ({where}); "
                         f"build it with participation_trend(..., threshold={threshold})")
    return trend


def _write_summary(ws, groups, shown, words, threshold) -> None:
    ws["A1"] = words["title"]
    ws["A1"].font = Font(bold=True, size=14)
    total = groups.attrs.get("people_total")
    org = groups.attrs.get("org_predicted")
    if org is None and len(groups):
        org = float(groups["org_predicted"].iloc[0])
    rows = [
        (words["made"], dt.date.today().isoformat()),
        (words["employees"], total if total is not None and total >= threshold else None),
        (words["org_rate"], org),
        (words["groups"], len(shown)),
        (words["in_groups"], int(shown["people"].sum()) if len(shown) else 0),
        (words["hidden"].format(t=threshold), len(groups) - len(shown)),
    ]
    for r, (label, value) in enumerate(rows, start=3):
        ws.cell(r, 1, escape_cell(label))
        cell = ws.cell(r, 2, escape_cell(value))
        if label == words["org_rate"]:
            cell.number_format = "0.0%"
    for r, note in enumerate(words["notes"], start=len(rows) + 4):
        ws.cell(r, 1, escape_cell(note.format(t=threshold)))
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 16


def _group_value(row: pd.Series, field: str, language: str):
    if field in ("rule", "drivers", "interventions"):
        return row.get(f"{field}_{language}")
    return row.get(field)


def _write_groups(ws, shown, words, language) -> None:
    fields = [f for f in _GROUP_FIELDS if f != "actual" or "actual" in shown.columns]
    headers = [h for f, h in zip(_GROUP_FIELDS, words["group_cols"]) if f in fields]
    ws.append(headers)
    for c in ws[1]:
        c.font = Font(bold=True)
    for _, row in shown.iterrows():
        ws.append([escape_cell(_group_value(row, f, language)) for f in fields])
    for col, f in enumerate(fields, start=1):
        letter = ws.cell(1, col).column_letter
        if f in ("predicted", "predicted_low", "predicted_high", "org_predicted", "gap", "actual"):
            for r in range(2, len(shown) + 2):
                ws.cell(r, col).number_format = "0.0%"
        wide = {"rule": 60, "drivers": 40, "interventions": 70}.get(f, 14)
        ws.column_dimensions[letter].width = wide
        if f in ("rule", "drivers", "interventions"):
            for r in range(2, len(shown) + 2):
                ws.cell(r, col).alignment = Alignment(wrap_text=True, vertical="top")
    if len(shown):
        chart = BarChart()
        chart.title = words["bar"]
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.min = 0
        for f in ("predicted", "org_predicted"):
            col = fields.index(f) + 1
            chart.add_data(Reference(ws, min_col=col, min_row=1, max_row=len(shown) + 1),
                           titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(shown) + 1))
        chart.width, chart.height = 18, 9
        ws.add_chart(chart, f"A{len(shown) + 4}")


def _write_trend(ws, trend, words) -> None:
    grouped = "group" in trend.columns
    overall = trend[trend["group"] == "(all)"] if grouped else trend
    ws.append([words["trend_cols"][0]] + list(words["trend_cols"][2:]))
    for _, row in overall.iterrows():
        ws.append([escape_cell(row[c]) for c in ("quarter", "people", "predicted", "actual")])
    n = len(overall)
    for r in range(2, n + 2):
        for col in (3, 4):
            ws.cell(r, col).number_format = "0.0%"
    if n:
        chart = LineChart()
        chart.title = words["line"]
        chart.y_axis.number_format = "0%"
        chart.add_data(Reference(ws, min_col=3, max_col=4, min_row=1, max_row=n + 1),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
        chart.width, chart.height = 18, 9
        ws.add_chart(chart, "G2")
    if grouped:
        start = n + 3
        ws.cell(start, 1, None)
        for col, h in enumerate(words["trend_cols"], start=1):
            ws.cell(start + 1, col, h).font = Font(bold=True)
        for i, (_, row) in enumerate(trend.iterrows(), start=start + 2):
            label = words["all"] if row["group"] == "(all)" else row["group"]
            values = [row["quarter"], label, row["people"], row["predicted"], row["actual"]]
            for col, v in enumerate(values, start=1):
                cell = ws.cell(i, col, escape_cell(v))
                if col >= 4:
                    cell.number_format = "0.0%"
    for c in ws[1]:
        c.font = Font(bold=True)
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 28
