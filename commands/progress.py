"""A Rich progress bar driven by (message, fraction) callbacks from long jobs."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn


@contextmanager
def fraction_progress(console: Console, title: str) -> Iterator[Callable[[str, float], None]]:
    """Yield ``update(message, fraction)``; the bar is removed when the block ends."""
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), TaskProgressColumn(),
                   TextColumn("{task.fields[step]}"), TimeElapsedColumn(), console=console,
                   transient=True)
    with bar:
        task = bar.add_task(title, total=1.0, step="")

        def update(message: str, fraction: float) -> None:
            bar.update(task, completed=min(max(fraction, 0.0), 1.0), step=message)

        yield update
