"""xAPI statements (a learning record store's export) read into flat statement rows.

A file is a JSON array of statements, an LRS ``GET /statements`` answer (``{"statements":
[...], "more": ...}``) or JSON Lines (one statement per line, ``.jsonl``). Of each statement
the reader keeps only what the product needs, never the actor's name or mailbox:

- ``id`` -> ``statement_id`` (required: it makes a re-import change nothing);
- ``actor.account.name`` -> ``employee_id`` (the NIP the LMS holds as the account name);
- ``verb.id`` -> ``verb``: the last word of the IRI (``.../verbs/completed`` -> ``completed``);
- ``object.id`` -> ``activity_id``; ``object.id`` of a ``StatementRef`` for ``voided``;
- ``timestamp`` (or ``stored``) -> ``at``, in UTC;
- ``result.score.scaled`` (or ``raw`` within ``min``..``max``) -> ``score_scaled`` in 0..1;
- ``context.contextActivities`` ``parent`` and ``grouping`` ids -> the candidate courses.

Which activity is the training (an offering) and which a milestone inside it is decided by
``service.ingest.lms``, which knows the offerings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from service.ingest.report import ImportReport

XAPI_SUFFIXES = (".json", ".jsonl")


@dataclass
class Statement:
    """The parts of one xAPI statement the product reads."""

    statement_id: str
    employee_id: str
    verb: str
    activity_id: str
    at: datetime
    row: int  # line (JSON Lines) or position in the array, as the user can find it
    score_scaled: float | None = None
    parents: list[str] = field(default_factory=list)  # context parent, then grouping ids
    offering: str | None = None  # set by the LMS profile: the training it is about
    milestone: str | None = None  # ... and the milestone inside it (None: the course itself)


def last_segment(iri: str) -> str:
    """The last path segment of an IRI, without query or fragment (``.../OFF-1/`` -> ``OFF-1``).

    An IRI whose path is empty gives its fragment or the query value of ``id`` if there is one
    (``https://lms/course/view.php?id=42`` -> ``42``).
    """
    parts = urlsplit(iri.strip())
    path = parts.path.rstrip("/")
    if parts.query:
        for pair in parts.query.split("&"):
            key, _, value = pair.partition("=")
            if key == "id" and value:
                return unquote(value)
    if parts.fragment and not path:
        return parts.fragment
    return unquote(path.rsplit("/", 1)[-1]) if path else iri.strip()


def _records(text: str, jsonl: bool, label: str, report: ImportReport) -> list[tuple[int, object]]:
    """(row, statement object) pairs, or [] with problems when the JSON cannot be read."""
    if jsonl:
        out = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                out.append((n, json.loads(line)))
            except json.JSONDecodeError as exc:
                report.add(label, f"not a JSON statement: {exc.msg}", n, None, line)
        return out
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        report.add(label, f"not well-formed JSON: {exc.msg} (line {exc.lineno}, column "
                   f"{exc.colno})", exc.lineno)
        return []
    if isinstance(data, dict) and isinstance(data.get("statements"), list):
        data = data["statements"]
    elif isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        report.add(label, "expected a JSON array of xAPI statements or an object with "
                   "'statements'", 1)
        return []
    return list(enumerate(data, start=1))


def _text(obj: object, *path: str) -> str:
    for key in path:
        if not isinstance(obj, dict):
            return ""
        obj = obj.get(key)
    return obj.strip() if isinstance(obj, str) else ""


def _time(value: str) -> datetime | None:
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)


def _score(result: object) -> tuple[float | None, str | None]:
    """The scaled score in 0..1, or a reason it cannot be one."""
    score = result.get("score") if isinstance(result, dict) else None
    if not isinstance(score, dict):
        return None, None
    scaled = score.get("scaled")
    if scaled is None and all(isinstance(score.get(k), int | float) for k in ("raw", "min", "max")):
        if score["max"] <= score["min"]:
            return None, "result.score: max must be above min"
        scaled = (score["raw"] - score["min"]) / (score["max"] - score["min"])
    if scaled is None:
        return None, None
    if not isinstance(scaled, int | float) or isinstance(scaled, bool) or not 0 <= scaled <= 1:
        return None, "result.score.scaled must be a number from 0 to 1"
    return float(scaled), None


def _parents(context: object) -> list[str]:
    acts = context.get("contextActivities") if isinstance(context, dict) else None
    if not isinstance(acts, dict):
        return []
    out = []
    for kind in ("parent", "grouping"):
        items = acts.get(kind)
        items = [items] if isinstance(items, dict) else items if isinstance(items, list) else []
        out += [i["id"].strip() for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)]
    return out


def read_statements(text: str, label: str, jsonl: bool, report: ImportReport) -> list[Statement]:
    """The statements of one file; each one that cannot be read is a problem naming its row."""
    out: list[Statement] = []
    for row, obj in _records(text, jsonl, label, report):
        if not isinstance(obj, dict):
            report.add(label, "a statement must be a JSON object", row)
            continue
        sid = _text(obj, "id")
        who = _text(obj, "actor", "account", "name")
        verb_iri = _text(obj, "verb", "id")
        activity = _text(obj, "object", "id")
        when = _text(obj, "timestamp") or _text(obj, "stored")
        at = _time(when) if when else None
        missing = [(f, v) for f, v in (("id", sid), ("actor.account.name", who),
                                      ("verb.id", verb_iri), ("object.id", activity)) if not v]
        for name, _ in missing:
            hint = " (the NIP as the LMS account name)" if name == "actor.account.name" else ""
            report.add(label, f"statement has no {name}{hint}", row, name)
        if when and at is None:
            report.add(label, "timestamp is not an ISO 8601 date-time", row, "timestamp", when)
        elif not when:
            report.add(label, "statement has neither timestamp nor stored", row, "timestamp")
        score, bad = _score(obj.get("result"))
        if bad:
            report.add(label, bad, row, "result.score",
                       json.dumps(obj["result"].get("score"), sort_keys=True))
        if missing or at is None or bad:
            continue
        out.append(Statement(sid, who, last_segment(verb_iri).lower(), activity, at, row, score,
                             _parents(obj.get("context"))))
    return out
