"""At import, training records without a catalogue program get one when the match is clear.

The catalogue is the database's programs plus this import's. A record whose file names a
program keeps it (``confirmed``); one whose status is already set (HR reviewed it) is left as
it is, and so is a stored record HR confirmed or rejected when the file says nothing of its
program (re-importing SIASN's history must not undo HR's review). The matches made are counted
in the report's mappings; HR reviews them through ``/api/v1/training-records`` and the
employee's profile page.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from model.training_match import match_programs
from service.ingest.report import ImportReport, Mapping
from service.storage.schema import CANONICAL


def _catalogue(conn: sa.Connection, programs: pd.DataFrame | None) -> pd.DataFrame:
    table = CANONICAL["programs"]
    stored = pd.DataFrame(conn.execute(sa.select(table.c.program_id, table.c.title, table.c.jp))
                          .all(), columns=["program_id", "title", "jp"])
    if programs is not None and "title" in programs.columns:
        batch = programs.assign(jp=programs.get("jp", ""))[["program_id", "title", "jp"]]
        batch = batch.assign(jp=pd.to_numeric(batch["jp"], errors="coerce"))
        stored = pd.concat([batch, stored[~stored["program_id"].isin(batch["program_id"])]])
    return stored.reset_index(drop=True)


REVIEWED = ("confirmed", "rejected")


def _reviewed(conn: sa.Connection) -> pd.DataFrame:
    """Stored records HR (or a file) settled: key -> program_id, match_status, match_score."""
    t = CANONICAL["training_records"]
    rows = conn.execute(sa.select(t.c.employee_id, t.c.title, t.c.start_date, t.c.program_id,
                                  t.c.match_status, t.c.match_score)
                        .where(t.c.match_status.in_(REVIEWED))).all()
    out = pd.DataFrame(rows, columns=["employee_id", "title", "start_date", "program_id",
                                      "match_status", "match_score"]).astype(object)
    out["start_date"] = out["start_date"].map(str)
    out["program_id"] = out["program_id"].fillna("")
    out["match_score"] = out["match_score"].map(lambda v: "" if pd.isna(v) else f"{v:.4f}")
    return out.set_index(["employee_id", "title", "start_date"])


def _keep_reviews(frame: pd.DataFrame, reviewed: pd.DataFrame) -> None:
    """A re-imported record HR reviewed keeps the review unless the file itself names a program."""
    if reviewed.empty:
        return
    keys = pd.MultiIndex.from_frame(frame[["employee_id", "title", "start_date"]])
    found = keys.isin(reviewed.index) & (frame["program_id"] == "").to_numpy() \
        & (frame["match_status"] == "").to_numpy()
    if not found.any():
        return
    stored = reviewed.loc[keys[found]]
    for column in ("program_id", "match_status", "match_score"):
        frame.loc[frame.index[found], column] = stored[column].to_numpy()


def match_records(conn: sa.Connection, parsed: list, report: ImportReport) -> None:
    """Fill program_id, match_status and match_score of the import's training records in place."""
    files = [p for p in parsed if p.table == "training_records"]
    if not files:
        return
    programs = next((p.frame for p in parsed if p.table == "programs"), None)
    catalogue = _catalogue(conn, programs)
    reviewed = _reviewed(conn)
    for p in files:
        frame = p.frame
        for column in ("program_id", "match_status", "match_score", "jp"):
            if column not in frame.columns:
                frame[column] = ""
        _keep_reviews(frame, reviewed)
        named = frame["program_id"] != ""
        frame.loc[named & (frame["match_status"] == ""), "match_status"] = "confirmed"
        todo = ~named & (frame["match_status"] == "")
        if not todo.any():
            continue
        found = match_programs(frame.loc[todo, "title"],
                               pd.to_numeric(frame.loc[todo, "jp"], errors="coerce"), catalogue)
        hit = found["program_id"].notna()
        frame.loc[found.index[hit], "program_id"] = found.loc[hit, "program_id"].astype(str)
        frame.loc[found.index, "match_status"] = hit.map({True: "auto", False: "unmatched"})
        frame.loc[found.index, "match_score"] = found["score"].map(lambda v: f"{v:.4f}")
        if hit.any():
            report.mappings.append(Mapping(p.label, p.headers.get("title", "title"),
                                           "title", "program_id (matched to the catalogue)",
                                           int(hit.sum())))
