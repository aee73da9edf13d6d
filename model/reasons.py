"""Short reasons for each suggestion, in Indonesian and English, from the signals that actually
raised that item's score (the ranker's per-item contributions), worded with the item's own values."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Signal groups of the ranker whose contribution to an item's score is measured.
SIGNALS: dict[str, tuple[str, ...]] = {
    "gap": ("gap_closed", "gap_in_program", "n_gaps_covered", "frac_gap_closed", "too_easy",
            "too_hard"),
    "jp": ("jp_closes",),
    "collaborative": ("cf_score",),
    "popular": ("pop_unit", "pop_family", "pop_all"),
    "form": ("form_share",),
    "fit": ("sector_match", "job_specific"),
}

_FORM_ID = {"klasikal": "klasikal", "non_klasikal": "non-klasikal"}
_FORM_EN = {"klasikal": "classroom", "non_klasikal": "non-classroom"}


def _name_pairs(names: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """code -> (Indonesian name, English name), falling back to the code and to Indonesian."""
    out = {}
    for code, row in names.iterrows():
        nid = row.get("name_id")
        nid = code if nid is None or pd.isna(nid) else nid
        nen = row.get("name_en")
        out[code] = (nid, nid if nen is None or pd.isna(nen) else nen)
    return out


def _gap(row: dict, names: dict, codes: list[str]) -> tuple[str, str] | None:
    comp = int(row["best_comp"])
    if comp < 0:
        return None
    code = codes[comp]
    name_id, name_en = names.get(code, (code, code))
    a, b = int(row["best_from"]), int(row["best_to"])
    return (f"Menutup kesenjangan {name_id}, level {a} → {b} yang dibutuhkan",
            f"Closes the gap in {name_en}, level {a} -> {b} required")


def _jp(row: dict) -> tuple[str, str] | None:
    missing, jp = float(row["jp_missing"]), float(row["jp"])
    if missing <= 0:
        return None
    duty = missing + float(row["jp_this_year"])
    return (f"Masih kurang {missing:.0f} JP dari kewajiban {duty:.0f} JP; program ini {jp:.0f} JP",
            f"Still {missing:.0f} JP short of the {duty:.0f} JP duty; this program gives {jp:.0f} JP")


def _popular(row: dict) -> tuple[str, str] | None:
    unit, fam = float(row["pop_unit"]), float(row["pop_family"])
    if max(unit, fam) <= 0:
        return None
    if unit >= fam:
        return (f"Diselesaikan {unit:.0%} rekan di unit Anda dalam setahun terakhir",
                f"Completed by {unit:.0%} of colleagues in your unit in the past year")
    return (f"Diselesaikan {fam:.0%} pegawai dengan jenis jabatan serupa dalam setahun terakhir",
            f"Completed by {fam:.0%} of staff in similar jobs in the past year")


def _offer(row: dict) -> tuple[str, str]:
    f = str(row["form"])
    return (f"Program {_FORM_ID.get(f, f)} {float(row['jp']):.0f} JP yang memenuhi syarat untuk Anda",
            f"An eligible {_FORM_EN.get(f, f)} program of {float(row['jp']):.0f} JP")


def _word(signal: str, row: dict, names: dict, codes: list[str]):
    if signal == "gap":
        return _gap(row, names, codes)
    if signal == "jp":
        return _jp(row)
    if signal == "collaborative":
        return ("Banyak diselesaikan pegawai dengan riwayat pelatihan serupa",
                "Often completed by staff with a training history like yours")
    if signal == "popular":
        return _popular(row)
    if signal == "form":
        f = str(row["form"])
        return (f"Sesuai bentuk pembelajaran yang biasa Anda selesaikan ({_FORM_ID.get(f, f)})",
                f"Matches the learning form you usually complete ({_FORM_EN.get(f, f)})")
    if signal == "fit":
        if float(row["sector_match"]) >= 1:
            return (f"Dirancang untuk sektor Anda ({row['sector']})",
                    f"Designed for your sector ({row['sector']})")
        if float(row["job_specific"]) >= 1:
            return ("Dirancang khusus untuk jenis jabatan Anda", "Designed for your kind of job")
    return None


_ROW_COLUMNS = ("mandatory", "best_comp", "best_from", "best_to", "jp_missing", "jp",
                "jp_this_year", "pop_unit", "pop_family", "form", "sector_match", "job_specific",
                "sector")


def word_reasons(feats: pd.DataFrame, contributions: pd.DataFrame, names: pd.DataFrame,
                 codes: list[str], max_reasons: int = 3) -> tuple[list[list[str]], list[list[str]]]:
    """Reasons (Indonesian, English) per row, strongest contributing signal first.

    Mandatory items always carry the mandatory reason first; other signals are used only when
    they raised the item's score and their value can be stated.
    """
    rows = feats.loc[:, list(_ROW_COLUMNS)].to_dict("records")
    names = _name_pairs(names)
    signals = list(contributions.columns)
    values = contributions.to_numpy(dtype=float)
    order = np.argsort(-values, axis=1, kind="stable")
    out_id, out_en = [], []
    for i, row in enumerate(rows):
        rid, ren = [], []
        if float(row.get("mandatory") or 0) >= 1:
            rid.append("Wajib untuk Anda (pelatihan mandatori)")
            ren.append("Mandatory for you")
        for j in order[i]:
            if len(rid) >= max_reasons or values[i, j] <= 0:
                break
            worded = _word(signals[j], row, names, codes)
            if worded:
                rid.append(worded[0])
                ren.append(worded[1])
        if not rid:  # nothing raised it above a typical candidate: say what it offers
            worded = (_gap(row, names, codes) or _jp(row) or _popular(row)
                      or _word("fit", row, names, codes) or _offer(row))
            rid.append(worded[0])
            ren.append(worded[1])
        out_id.append(rid)
        out_en.append(ren)
    return out_id, out_en


def strongest_signal(contributions: pd.DataFrame) -> np.ndarray:
    """Name of the most positive signal of each row."""
    return contributions.idxmax(axis=1).to_numpy()
