"""Batch scoring of every active employee, one Parquet part per chunk of people, locally or on Dask.

Memory of the results is bounded: a chunk's top-k is written as soon as it is ranked and then
dropped, and on Dask at most ``2 x workers`` chunks are in flight. What does grow with the
population is the point-in-time ``Context`` (person features, snapshot), which every process
holds once: on Dask it is scattered to each worker a single time, with the model, and the chunks
are tasks that refer to it. Parts are named by chunk number, so the output does not depend on
the order in which workers finish. ``_manifest.json`` is written last (aggregates only).

Output rows carry ``person_key`` by default; ``employee_ids`` (person_key -> employee_id) puts
``employee_id`` in its place when the user asks for it. Names are never in the model's frames.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Literal, Mapping

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from model.batch import REASON_COLUMNS, active_persons, catalogue, chunked, rank_chunk
from model.recommender import Context, Recommender
from model.snapshot import PERSON

Engine = Literal["local", "dask"]
Progress = Callable[[int, int], None]  # (people done, people in all)
MANIFEST = "_manifest.json"
PART = "part-{:05d}.parquet"
WAIT_FOR_WORKERS_SECONDS = 120

_FIELDS = [("program_id", pa.string()), ("title", pa.string()), ("rank", pa.int64()),
           ("score", pa.float64()), ("relevance", pa.float64()), ("p_complete", pa.float64()),
           ("mandatory", pa.float64()), ("form", pa.string()), ("jp", pa.float64()),
           ("cost_idr", pa.float64())]


def part_schema(reasons: bool, with_ids: bool) -> pa.Schema:
    """The Arrow schema of every part (fixed, so that an empty chunk reads like the others)."""
    who = pa.field("employee_id" if with_ids else PERSON, pa.string())
    extra = [pa.field(c, pa.list_(pa.string())) for c in REASON_COLUMNS] if reasons else []
    return pa.schema([who, *(pa.field(n, t) for n, t in _FIELDS), *extra])


@dataclass
class BatchSummary:
    """What a run wrote (no personal data: it is also the manifest)."""

    as_of: str
    model_as_of: str | None
    model_version: str | None
    engine: str
    workers: int
    k: int
    chunk_size: int
    persons: int
    rows: int
    parts: int
    programs: int
    reasons: bool
    with_ids: bool
    seconds: float
    columns: list[str] = field(default_factory=list)


class PartWriter:
    """Writes chunk ``i``'s frame to ``part-i.parquet`` (atomically) and keeps only counts."""

    def __init__(self, out_dir: Path, reasons: bool, employee_ids: Mapping[str, str] | None):
        self.out_dir, self.employee_ids = Path(out_dir), employee_ids
        self.schema = part_schema(reasons, employee_ids is not None)
        self.rows = 0

    def write(self, index: int, frame: pd.DataFrame) -> None:
        if self.employee_ids is not None:
            frame = frame.rename(columns={PERSON: "employee_id"})
            frame["employee_id"] = frame["employee_id"].map(self.employee_ids)
        table = pa.Table.from_pandas(frame[self.schema.names], schema=self.schema,
                                     preserve_index=False)
        path = self.out_dir / PART.format(index)
        tmp = path.with_name(f".{path.name}.tmp")
        pq.write_table(table, tmp)
        os.replace(tmp, path)
        self.rows += len(frame)


@dataclass
class ScoringInputs:
    """The model to score with, its version, the context at ``as_of`` and the optional id map."""

    recommender: Recommender
    version: str
    ctx: Context
    employee_ids: pd.Series | None  # index person_key, values employee_id
    as_of: str = ""


def load_scoring_inputs(engine, as_of: str | None, version: str = "champion",
                        with_ids: bool = False) -> ScoringInputs:
    """Load a registered version (checksum-verified) and build its context from the database
    as of ``as_of`` (default: ``model.recommender.default_as_of`` of the data, as training)."""
    from model.recommender import default_as_of
    from model import registry
    from service.model_inputs import load_model_frames
    from service.pseudonym import load_key, pseudonymise
    from service.settings import get_settings
    from service.storage.frames import load_tables

    settings = get_settings()
    client = registry.client_for(settings.tracking_uri, settings.artifact_root)
    recommender, info = registry.load_version(client, version)
    key = load_key()
    frames = load_model_frames(engine, key)
    as_of = as_of or default_as_of(frames)
    ctx = recommender.context(frames, as_of)
    ids = None
    if with_ids:
        emp = load_tables(engine, ["employees"])["employees"]["employee_id"].dropna().astype(str)
        ids = pd.Series(emp.to_numpy(), index=pseudonymise(emp, key).to_numpy())
    return ScoringInputs(recommender, info.version, ctx, ids, as_of)


def check_out_dir(out_dir: Path) -> None:
    """Refuse a folder that already holds parts or a manifest (stale parts would mix in)."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"{out_dir} exists and is not a folder")
    if out_dir.is_dir() and (any(out_dir.glob("part-*.parquet")) or (out_dir / MANIFEST).exists()):
        raise ValueError(f"{out_dir} already holds scored parts; choose an empty folder")


def score_all(recommender: Recommender, ctx: Context, out_dir: Path, *, k: int = 10,
              chunk_size: int = 5000, engine: Engine = "local", scheduler: str | None = None,
              workers: int = 2, processes: bool = True, reasons: bool = False,
              employee_ids: Mapping[str, str] | None = None, model_version: str | None = None,
              persons: list[str] | None = None, progress: Progress | None = None) -> BatchSummary:
    """Rank every active employee of ``ctx`` and write the top-``k`` rows to ``out_dir``.

    Args:
        engine: ``local`` (this process) or ``dask``.
        scheduler: address of a running Dask scheduler; without it ``dask`` starts a
            ``LocalCluster`` of ``workers`` single-threaded workers (``processes=False``: threads).
        employee_ids: person_key -> employee_id, to write ``employee_id`` instead of the key.
        persons: score only these (active) person keys; default every active employee.
    """
    if engine not in ("local", "dask"):
        raise ValueError(f"engine must be local or dask, not {engine!r}")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    check_out_dir(out_dir)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    everyone = active_persons(ctx)
    persons = everyone if persons is None else sorted(set(persons).intersection(everyone))
    chunks = chunked(persons, chunk_size)
    programs = catalogue(ctx)
    writer = PartWriter(out_dir, reasons, employee_ids)
    say = progress or (lambda _done, _total: None)
    say(0, len(persons))
    if engine == "local":
        done = 0
        for i, chunk in enumerate(chunks):
            writer.write(i, rank_chunk(recommender, ctx, chunk, k, reasons))
            done += len(chunk)
            say(done, len(persons))
        n_workers = 1
    else:
        n_workers = run_on_dask(recommender, ctx, chunks, k, reasons, writer.write,
                                lambda n: say(n, len(persons)), scheduler, workers, processes)
    summary = BatchSummary(
        as_of=ctx.snap.as_of, model_as_of=getattr(recommender, "as_of_", None),
        model_version=model_version, engine=engine, workers=n_workers, k=k,
        chunk_size=chunk_size, persons=len(persons), rows=writer.rows, parts=len(chunks),
        programs=len(programs), reasons=reasons, with_ids=employee_ids is not None,
        seconds=round(time.perf_counter() - started, 3), columns=writer.schema.names)
    (out_dir / MANIFEST).write_text(json.dumps(asdict(summary), indent=2), encoding="utf-8")
    return summary


def run_on_dask(recommender: Recommender, ctx: Context, chunks: list[list[str]],
                k: int, reasons: bool,
                write: Callable[[int, pd.DataFrame], None], done: Callable[[int], None],
                scheduler: str | None, workers: int, processes: bool) -> int:
    """Rank ``chunks`` as Dask tasks and ``write`` each result as it arrives.

    The model and the context are scattered to every worker once (``broadcast=True``); each task
    carries only its chunk's person keys. At most two tasks per worker are in flight, so the
    results held at any time do not grow with the population.

    Returns:
        The number of workers that took part.
    """
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        options = {"host": "127.0.0.1"} if processes else {}
        # Loopback only: the scheduler's HTTP server would otherwise listen on every interface.
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes,
                               dashboard_address="127.0.0.1:0", **options)
        client = Client(cluster)
    try:
        if not client.scheduler_info()["workers"]:
            client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS_SECONDS)
        n_workers = len(client.scheduler_info()["workers"])
        rec_f, ctx_f = client.scatter([recommender, ctx], broadcast=True)
        queue = list(enumerate(chunks))[::-1]
        index_of, finished = {}, 0

        def submit() -> None:
            i, chunk = queue.pop()
            fut = client.submit(rank_chunk, rec_f, ctx_f, chunk, k, reasons,
                                pure=False, key=f"rank-chunk-{i}-{os.getpid()}-{time.time_ns()}")
            index_of[fut.key] = (i, len(chunk))
            running.add(fut)

        running = as_completed()
        for _ in range(min(2 * n_workers, len(queue))):
            submit()
        for fut in running:
            i, size = index_of.pop(fut.key)
            frame = fut.result()
            fut.release()
            write(i, frame)
            finished += size
            done(finished)
            if queue:
                submit()
        return n_workers
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def read_scores(out_dir: Path) -> pd.DataFrame:
    """All parts of a run as one frame, in part order (for tests and small runs only)."""
    parts = sorted(Path(out_dir).glob("part-*.parquet"))
    if not parts:
        raise FileNotFoundError(f"no part files in {out_dir}")
    return pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
