"""The EDA notebook runs end to end on a small generated population."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from synthetic import generate, write_world

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "1.0-eda-binjai.ipynb"


def test_notebook_is_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_eda_notebook_runs_on_a_small_world(tmp_path, monkeypatch):
    world = generate(400, 2, seed=5, end_quarter="2026Q3")
    write_world(world, tmp_path / "raw", tmp_path / "truth")
    monkeypatch.setenv("ASN_EDA_DATA", str(tmp_path / "raw"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.outputs if o.get("output_type") == "stream")
    assert "400 employees in 48 units" in text
    assert "share reaching 20 JP" in text
    assert "no files found" not in text  # it read the files it was given
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if "image/png" in o.get("data", {})]
    assert len(images) >= 4
