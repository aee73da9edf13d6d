"""The backup commands as a user runs them: a path and a warning, a refusal without --force."""

from pathlib import Path

from typer.testing import CliRunner

from commands.main import app

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_backup_then_restore_with_and_without_force(data_dir, sample_dir, tmp_path):
    assert _run("import", str(sample_dir)).exit_code == 0
    made = _run("backup", "--out", str(tmp_path / "backups"))
    assert made.exit_code == 0, made.output
    assert "personal data" in made.output
    archives = list((tmp_path / "backups").glob("asn-reco-backup-*.tar.gz"))
    assert len(archives) == 1 and str(archives[0].name) in made.output.replace("\n", "")

    refused = _run("restore", str(archives[0]))
    assert refused.exit_code == 1
    assert "--force" in refused.output and "Traceback" not in refused.output

    restored = _run("restore", str(archives[0]), "--force")
    assert restored.exit_code == 0, restored.output
    assert "restored" in restored.output
    checked = _run("db-check")
    assert checked.exit_code == 0 and " 3 " in checked.output.split("employees")[1].splitlines()[0]


def test_restore_of_a_missing_or_broken_archive_is_a_clear_error(data_dir, tmp_path):
    missing = _run("restore", str(tmp_path / "nope.tar.gz"))
    assert missing.exit_code == 1 and "no such archive" in missing.output
    broken = Path(tmp_path / "broken.tar.gz")
    broken.write_bytes(b"not a gzip file at all")
    result = _run("restore", str(broken))
    assert result.exit_code == 1 and "unreadable archive" in result.output
    assert not data_dir.exists()
