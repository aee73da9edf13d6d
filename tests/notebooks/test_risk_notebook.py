"""The risk-groups notebook runs end to end on a small generated population."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "3.0-risk-groups.ipynb"


def test_notebook_is_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


@pytest.mark.slow
def test_risk_notebook_runs_on_a_small_world(monkeypatch):
    monkeypatch.setenv("ASN_RISK_EMPLOYEES", "600")
    monkeypatch.setenv("ASN_RISK_YEARS", "3")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.outputs if o.get("output_type") == "stream")
    assert re.search(r"\d+ active employees at \d{4}Q\d; [1-9]\d* risk groups found", text), text
    assert "drivers:" in text and "do:" in text
    found = re.search(r"planted-group precision ([\d.]+) recall ([\d.]+)", text)
    assert found and float(found.group(2)) > 0.5, text
    images = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if "image/png" in o.get("data", {})]
    assert len(images) >= 2
