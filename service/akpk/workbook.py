"""The AKPK workbook (openpyxl), in Bahasa Indonesia: a summary per OPD, one sheet per OPD with
each PNS's needs and planned development, the budget by source, and native Excel charts.

Like the plan file (``service.plans.sheets``) it identifies people by ``employee_id`` only (no
names); it never goes to a log. Money and counts are numbers with an Indonesian number format
(``[$-421]``: ``1.250.000`` in LibreOffice and Excel); dates and the summary's headline amounts
are written as Indonesian text (``service.web.formatting``). Text cells are escaped against
formula injection.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Alignment, Font

from service.akpk.building import AkpkPlan
from service.reports.risk_report import escape_cell
from service.web.formatting import date as id_date
from service.web.formatting import money, number, percent

LANG = "id"
INTEGER = "[$-421]#,##0"
DECIMAL = "[$-421]#,##0.0"
PERCENT = "[$-421]0.0%"
SUMMARY, BUDGET = "Ringkasan", "Anggaran per Sumber"
APBD = "APBD Kota Binjai (RKA BKPSDM)"
FREE = "Tanpa biaya (ditanggung penyelenggara)"
FORMS = {"klasikal": "Klasikal", "non_klasikal": "Non-klasikal"}
PRIORITY = {1: "Tinggi", 2: "Sedang", 3: "Rendah"}
GAP_PARTS = {"hasil_kerja": "hasil kerja", "perilaku": "perilaku kerja", "predikat": "predikat"}
SKP = {5: "Sangat Baik", 4: "Baik", 3: "Butuh Perbaikan", 2: "Kurang", 1: "Sangat Kurang"}
UNIT_COLUMNS = ("OPD", "PNS", "PNS dalam rencana", "Baris rencana", "Total JP",
                "PNS mencapai kewajiban JP", "Porsi klasikal", "Biaya (Rp)",
                "PNS dengan kesenjangan kinerja")
LINE_COLUMNS = ("ID Pegawai", "Jenis", "Jabatan", "Kompetensi", "Level saat ini",
                "Level dibutuhkan", "Kesenjangan kompetensi", "Predikat SKP terakhir",
                "Kesenjangan kinerja", "Komponen di bawah ekspektasi", "Bentuk", "Jalur",
                "Program", "Penyelenggara", "Triwulan", "Tanggal mulai", "JP", "Biaya (Rp)",
                "Prioritas", "Alasan")
NOTES = (
    "Kesenjangan kinerja: SKP terakhir dengan hasil kerja atau perilaku kerja di bawah "
    "ekspektasi; bila kedua komponen tidak tercatat, predikat Butuh Perbaikan atau lebih rendah.",
    "Prioritas Tinggi: program wajib, kesenjangan kinerja, atau kesenjangan kompetensi 2 level "
    "atau lebih; Sedang: kesenjangan kompetensi atau JP belum mencapai kewajiban; selain itu "
    "Rendah.",
    "Rencana disusun optimal (program bilangan bulat) atas anggaran, kursi tiap jadwal dan "
    "batas program per PNS; porsi klasikal dilaporkan, bukan dibatasi.",
    "Rencana ini saran; keputusan tetap diambil oleh pejabat yang berwenang (UU 27/2022 "
    "pasal 10).",
)
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def sheet_title(unit: str, taken: set[str]) -> str:
    """An Excel sheet name for ``unit``: no ``[]:*?/\\``, at most 31 characters, unique."""
    base = _BAD_TITLE.sub(" ", str(unit)).strip().strip("'")[:31] or "OPD"
    title, n = base, 2
    while title.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def unit_summary(plan: AkpkPlan) -> pd.DataFrame:
    """Per OPD: PNS, PNS planned, lines, JP, PNS reaching the duty, klasikal share, cost, gaps."""
    lines, people = plan.lines, plan.people
    per_person = lines.groupby("person_key")["jp"].sum()
    reach = (per_person.reindex(people.index).fillna(0.0) >= people["jp_shortfall"])
    units = sorted(set(people["unit"].dropna()) | set(lines["unit"].dropna()))
    rows = []
    for unit in units:
        mine = lines[lines["unit"] == unit]
        staff = people[people["unit"] == unit]
        seats = len(mine)
        rows.append({
            "unit": unit, "people": len(staff), "planned": mine["person_key"].nunique(),
            "lines": seats, "jp": float(mine["jp"].sum()),
            "reach_duty": int(reach[staff.index].sum()),
            "klasikal_share": (mine["form"] == "klasikal").sum() / seats if seats else None,
            "cost_idr": float(mine["cost_idr"].sum()),
            "perf_gap": int(staff["perf_gap"].fillna(False).astype(bool).sum()),
        })
    return pd.DataFrame(rows, columns=["unit", "people", "planned", "lines", "jp", "reach_duty",
                                       "klasikal_share", "cost_idr", "perf_gap"])


def budget_by_source(lines: pd.DataFrame) -> pd.DataFrame:
    """Lines, JP and cost by source of funds: the year's APBD budget, or free of charge."""
    source = lines["cost_idr"].gt(0).map({True: APBD, False: FREE})
    table = lines.assign(source=source).groupby("source").agg(
        lines=("jp", "size"), jp=("jp", "sum"), cost_idr=("cost_idr", "sum"))
    return table.reindex([APBD, FREE]).fillna(0).reset_index()


def _bold_row(ws, row: int) -> None:
    for cell in ws[row]:
        cell.font = Font(bold=True)


def _formats(ws, first_row: int, last_row: int, formats: dict[int, str]) -> None:
    for col, fmt in formats.items():
        for r in range(first_row, last_row + 1):
            ws.cell(r, col).number_format = fmt


def _write_summary(ws, plan: AkpkPlan, summary: pd.DataFrame, made: dt.date) -> None:
    ws["A1"] = f"Analisis Kebutuhan Pengembangan Kompetensi (AKPK) Tahun {plan.year}"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Pemerintah Kota Binjai · PP 11/2017 pasal 205-207, Peraturan LAN 10/2018"
    result = plan.outcome.plan
    spent = float(plan.lines["cost_idr"].sum())
    facts = [
        ("Dibuat", id_date(made, LANG)),
        ("Triwulan direncanakan", ", ".join(plan.quarters)),
        ("Pagu anggaran", money(plan.budget_idr, LANG)),
        ("Total biaya rencana", money(spent, LANG)),
        ("Sisa anggaran", money(plan.budget_idr - spent, LANG)),
        ("PNS dalam rencana", number(plan.lines["person_key"].nunique(), LANG)),
        ("Status optimasi", f"{result.status} (selisih {percent(result.gap, LANG, 2)})"),
    ]
    if plan.model_version:
        facts.append(("Versi model", plan.model_version))
    for r, (label, value) in enumerate(facts, start=4):
        ws.cell(r, 1, label)
        ws.cell(r, 2, escape_cell(value))
    top = len(facts) + 5
    ws.cell(top, 1, "Ringkasan per OPD").font = Font(bold=True, size=12)
    head = top + 1
    for c, label in enumerate(UNIT_COLUMNS, start=1):
        ws.cell(head, c, label)
    _bold_row(ws, head)
    for r, row in enumerate(summary.itertuples(index=False), start=head + 1):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, escape_cell(value))
    last = head + len(summary)
    _formats(ws, head + 1, last, {2: INTEGER, 3: INTEGER, 4: INTEGER, 5: INTEGER, 6: INTEGER,
                                  7: PERCENT, 8: INTEGER, 9: INTEGER})
    for r, note in enumerate(NOTES, start=last + 2):
        ws.cell(r, 1, note)
    ws.column_dimensions["A"].width = 40
    for letter in "BCDEFGHI":
        ws.column_dimensions[letter].width = 16
    if len(summary):
        chart = BarChart()
        chart.type = "bar"
        chart.title = "Biaya rencana per OPD (Rp)"
        chart.y_axis.number_format = INTEGER
        chart.add_data(Reference(ws, min_col=8, min_row=head, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=head + 1, max_row=last))
        chart.width, chart.height = 20, max(8, 0.6 * len(summary))
        ws.add_chart(chart, f"K{top}")


def _line_row(line) -> list:
    gap = line.perf_gap
    parts = ", ".join(GAP_PARTS.get(p, p) for p in str(line.perf_gap_parts or "").split(";") if p)
    return [
        line.employee_id, line.employment_type, line.job_kind, line.competency_id,
        line.current_level, line.required_level, line.competency_gap,
        SKP.get(line.skp_rating_last) if pd.notna(line.skp_rating_last) else None,
        None if pd.isna(gap) else ("Ya" if gap else "Tidak"), parts or None,
        FORMS.get(line.form, line.form), line.route, line.title or line.program_id,
        line.provider, line.quarter, id_date(line.start_date, LANG) if line.start_date else None,
        line.jp, line.cost_idr, PRIORITY.get(int(line.priority)), line.reason_id,
    ]


def _write_unit(ws, unit: str, lines: pd.DataFrame, year: int) -> None:
    ws["A1"] = f"AKPK {year} · {unit}"
    ws["A1"].font = Font(bold=True, size=12)
    for c, label in enumerate(LINE_COLUMNS, start=1):
        ws.cell(3, c, label)
    _bold_row(ws, 3)
    for r, line in enumerate(lines.itertuples(index=False), start=4):
        for c, value in enumerate(_line_row(line), start=1):
            ws.cell(r, c, escape_cell(value))
    last = 3 + len(lines)
    _formats(ws, 4, last, {5: INTEGER, 6: INTEGER, 7: INTEGER, 17: INTEGER, 18: INTEGER})
    total = last + 1
    ws.cell(total, 1, "Jumlah").font = Font(bold=True)
    ws.cell(total, 17, float(lines["jp"].sum())).number_format = INTEGER
    ws.cell(total, 18, float(lines["cost_idr"].sum())).number_format = INTEGER
    widths = {"A": 20, "D": 28, "M": 36, "N": 24, "T": 50}
    for c in range(1, len(LINE_COLUMNS) + 1):
        letter = ws.cell(3, c).column_letter
        ws.column_dimensions[letter].width = widths.get(letter, 13)
    for r in range(4, last + 1):
        ws.cell(r, 20).alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B4"


def _write_budget(ws, plan: AkpkPlan) -> None:
    ws["A1"] = f"Anggaran AKPK {plan.year} per sumber dana"
    ws["A1"].font = Font(bold=True, size=12)
    for c, label in enumerate(("Sumber dana", "Baris rencana", "JP", "Biaya (Rp)"), start=1):
        ws.cell(3, c, label)
    _bold_row(ws, 3)
    table = budget_by_source(plan.lines)
    for r, row in enumerate(table.itertuples(index=False), start=4):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, escape_cell(value))
    r = 4 + len(table)
    spent = float(plan.lines["cost_idr"].sum())
    for label, value in (("Jumlah", spent), ("Pagu anggaran", plan.budget_idr),
                         ("Sisa anggaran", plan.budget_idr - spent)):
        ws.cell(r, 1, label).font = Font(bold=True)
        ws.cell(r, 4, value)
        r += 1
    _formats(ws, 4, r - 1, {2: INTEGER, 3: INTEGER, 4: INTEGER})
    quarter_top = r + 1
    for c, label in enumerate(("Triwulan", "Klasikal (Rp)", "Non-klasikal (Rp)", "JP"), start=1):
        ws.cell(quarter_top, c, label)
    _bold_row(ws, quarter_top)
    for i, quarter in enumerate(plan.quarters, start=1):
        mine = plan.lines[plan.lines["quarter"] == quarter]
        ws.cell(quarter_top + i, 1, quarter)
        for c, form in ((2, "klasikal"), (3, "non_klasikal")):
            ws.cell(quarter_top + i, c, float(mine.loc[mine["form"] == form, "cost_idr"].sum()))
        ws.cell(quarter_top + i, 4, float(mine["jp"].sum()))
    last = quarter_top + len(plan.quarters)
    _formats(ws, quarter_top + 1, last, {2: INTEGER, 3: INTEGER, 4: INTEGER})
    ws.column_dimensions["A"].width = 42
    for letter in "BCD":
        ws.column_dimensions[letter].width = 18
    bars = BarChart()
    bars.grouping, bars.overlap = "stacked", 100
    bars.title = "Biaya per triwulan dan bentuk (Rp)"
    bars.y_axis.number_format = INTEGER
    bars.add_data(Reference(ws, min_col=2, max_col=3, min_row=quarter_top, max_row=last),
                  titles_from_data=True)
    bars.set_categories(Reference(ws, min_col=1, min_row=quarter_top + 1, max_row=last))
    ws.add_chart(bars, "F3")
    pie = PieChart()
    pie.title = "Baris rencana per sumber dana"
    pie.add_data(Reference(ws, min_col=2, min_row=3, max_row=3 + len(table)),
                 titles_from_data=True)
    pie.set_categories(Reference(ws, min_col=1, min_row=4, max_row=3 + len(table)))
    ws.add_chart(pie, "F20")


def akpk_workbook(plan: AkpkPlan, made: dt.date | None = None) -> bytes:
    """The AKPK workbook as .xlsx bytes: Ringkasan, Anggaran per Sumber, then one sheet per OPD."""
    book = Workbook()
    summary_ws = book.active
    summary_ws.title = SUMMARY
    summary = unit_summary(plan)
    _write_summary(summary_ws, plan, summary, made or dt.date.today())
    _write_budget(book.create_sheet(BUDGET), plan)
    taken = {SUMMARY, BUDGET}
    for unit, lines in plan.lines.groupby("unit", sort=True):
        _write_unit(book.create_sheet(sheet_title(unit, taken)), unit, lines, plan.year)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
