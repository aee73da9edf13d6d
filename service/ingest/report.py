"""What an import found and did: one list of problems and a summary per file."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

HEADER_ROW = 1
# Longest value quoted back in a problem (a whole cell can be long free text).
MAX_VALUE_CHARS = 80


@dataclass(frozen=True)
class Problem:
    """One reason the import cannot go ahead.

    Attributes:
        file: the file name as given.
        rule: what is wrong, in words.
        row: the row as the user sees it in the file (header = 1); None for the whole file.
        column: the column as headed in the file (or the canonical name when it is missing).
        value: the offending cell, shortened.
    """

    file: str
    rule: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    @classmethod
    def at(cls, file: str, rule: str, row: int | None = None, column: str | None = None,
           value: object = None) -> Problem:
        """A problem with ``value`` turned into short text."""
        text = None if value is None else str(value)
        if text is not None and len(text) > MAX_VALUE_CHARS:
            text = text[:MAX_VALUE_CHARS - 1] + "…"
        return cls(file=file, rule=rule, row=row, column=column, value=text)


@dataclass
class FileSummary:
    """One file of an import.

    Attributes:
        inserted: rows whose key was not in the database.
        updated: existing rows whose values changed (None when the database cannot tell).
    """

    file: str
    table: str
    rows: int = 0
    sheet: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    inserted: int = 0
    updated: int | None = None


@dataclass(frozen=True)
class Mapping:
    """A value (or header) that a profile rewrote into the canonical form, and how often."""

    file: str
    column: str
    source: str
    canonical: str
    rows: int = 1


@dataclass
class ImportReport:
    """The outcome of ``import_paths``: problems, per-file summaries, and whether it wrote."""

    dry_run: bool = False
    profile: str = "canonical"
    files: list[FileSummary] = field(default_factory=list)
    mappings: list[Mapping] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    written: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, file: str, rule: str, row: int | None = None, column: str | None = None,
            value: object = None) -> None:
        """Record a problem."""
        self.problems.append(Problem.at(file, rule, row, column, value))

    def to_dict(self) -> dict:
        """The report as plain data (for JSON or an API response)."""
        return {**asdict(self), "ok": self.ok}
