"""``asn-reco demo-data`` writes the files where asked and names bad options."""

from __future__ import annotations

from typer.testing import CliRunner

from commands.main import app

runner = CliRunner()


def test_demo_data_writes_files_and_truth_to_separate_folders(tmp_path):
    result = runner.invoke(app, ["demo-data", "--employees", "150", "--years", "1",
                                 "--seed", "3", "--out", str(tmp_path / "raw"),
                                 "--truth-out", str(tmp_path / "truth"),
                                 "--end-quarter", "2026Q3"])
    assert result.exit_code == 0, result.output
    assert "2025Q4..2026Q3" in result.output
    assert len(list((tmp_path / "raw").glob("*.csv"))) == 11  # every table, HR decisions too
    assert (tmp_path / "truth" / "planted_groups.csv").is_file()
    assert not list((tmp_path / "raw").glob("*truth*"))


def test_bad_options_are_named_without_a_traceback(tmp_path):
    for args, word in ((["--employees", "5"], "--employees"), (["--years", "0"], "--years"),
                       (["--end-quarter", "2026Q7"], "--end-quarter"),
                       (["--out", str(tmp_path), "--truth-out", str(tmp_path)], "--truth-out")):
        result = runner.invoke(app, ["demo-data", *args])
        assert result.exit_code == 2, args
        assert word in result.output and "Traceback" not in result.output
