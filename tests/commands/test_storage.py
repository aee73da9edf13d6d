"""The storage commands as a user runs them: clear messages, exit codes, no tracebacks."""

from typer.testing import CliRunner

from commands.main import app

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_init_db_then_import_then_db_check(data_dir, sample_dir):
    assert _run("init-db").exit_code == 0
    imported = _run("import", str(sample_dir))
    assert imported.exit_code == 0, imported.output
    assert "imported" in imported.output
    checked = _run("db-check")
    assert checked.exit_code == 0, checked.output
    assert "employees" in checked.output and " 3 " in checked.output and "ok" in checked.output


def test_bad_import_exits_1_with_a_table_of_problems(data_dir, tmp_path):
    bad = tmp_path / "units.csv"
    bad.write_text("unit,sector\nDinas Kesehatan,kesehatan\n")
    result = _run("import", str(bad))
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "nothing was written" in result.output
    assert "kesehatan" in result.output and "sector" in result.output


def test_dry_run_writes_nothing(data_dir, sample_dir):
    assert _run("import", "--dry-run", str(sample_dir)).exit_code == 0
    assert " 0 " in _run("db-check").output.split("employees")[1].splitlines()[0]


def test_export_escapes_formulas(data_dir, tmp_path):
    units = tmp_path / "units.csv"
    units.write_text('unit,parent_unit\nBKPSDM,"=cmd|\' /C calc\'!A0"\n')
    assert _run("import", str(units)).exit_code == 0
    out = tmp_path / "out" / "units.csv"
    result = _run("export", "units", "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "'=cmd" in out.read_text()


def test_export_of_unknown_table_is_a_clear_error(data_dir):
    result = _run("export", "staff")
    assert result.exit_code == 2
    assert "unknown table 'staff'" in result.output
