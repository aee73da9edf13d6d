"""CLI of the model lifecycle: input errors, empty registry, the MLflow UI command line."""

from __future__ import annotations

from typer.testing import CliRunner

from commands.main import app

runner = CliRunner()


def test_retrain_rejects_a_bad_quarter_without_a_traceback(data_dir):
    result = runner.invoke(app, ["retrain", "--quarter", "2026Q9"])
    assert result.exit_code == 2 and "not a quarter" in result.output
    assert "Traceback" not in result.output


def test_retrain_on_an_empty_database_says_what_is_missing(data_dir):
    result = runner.invoke(app, ["retrain", "--quarter", "2026Q3"])
    assert result.exit_code == 2, result.output
    assert "cannot retrain" in result.output and "empty" in result.output


def test_models_and_rollback_on_an_empty_registry(data_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert "no model versions yet" in runner.invoke(app, ["models"]).output
    result = runner.invoke(app, ["rollback"])
    assert result.exit_code == 2 and "no previous version" in result.output
    # The store lives in the workspace, never in the working directory.
    assert (data_dir / "mlflow" / "mlflow.db").exists()
    assert not (tmp_path / "mlruns").exists() and not (tmp_path / "mlflow.db").exists()


def test_mlflow_ui_uses_the_workspace_store_on_loopback(data_dir):
    result = runner.invoke(app, ["mlflow-ui", "--print-only"])
    assert result.exit_code == 0
    line = result.output
    assert f"--backend-store-uri sqlite:///{data_dir.resolve() / 'mlflow' / 'mlflow.db'}" in line
    assert "--host 127.0.0.1" in line and (data_dir / "mlflow" / "artifacts").resolve().as_uri() in line
    refused = runner.invoke(app, ["mlflow-ui", "--host", "0.0.0.0", "--print-only"])
    assert refused.exit_code == 2 and "no login" in refused.output


def test_the_versions_table_fits_an_80_column_terminal_and_wide_adds_columns():
    from rich.console import Console

    from commands.models import version_table

    rows = [{"version": "12", "aliases": ["champion", "previous"], "quarter": "2026Q3",
             "serving_from": "2026Q4", "status": "promoted", "ndcg@10": 0.31234,
             "roc_auc": 0.861, "brier": 0.12, "drift": "ok",
             "gates": {"ndcg": "pass", "fairness": "fail"}, "forced_by": "admin_a"}]
    table, notes = version_table(rows)
    console = Console(width=80, record=True)
    console.print(table)
    text = console.export_text()
    assert "…" not in text and max(len(line) for line in text.splitlines()) <= 80
    for header in ("version", "aliases", "quarter", "status", "ndcg@10", "roc_auc", "brier"):
        assert header in text
    assert notes == ["version 12: failed gates fairness",
                     "version 12: promoted by force by admin_a"]
    wide, wide_notes = version_table(rows, wide=True)
    assert [c.header for c in wide.columns][-4:] == ["serving", "drift", "failed gates",
                                                      "forced by"]
    assert wide_notes == []
