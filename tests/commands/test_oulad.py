"""``asn-reco oulad`` writes one row per 2014 registration and refuses a folder without OULAD."""

import pandas as pd
import pytest
from typer.testing import CliRunner

from commands.main import app


def test_a_folder_without_oulad_files_is_refused(tmp_path, data_dir):
    result = CliRunner().invoke(app, ["oulad", "--data", str(tmp_path), "--out",
                                      str(tmp_path / "p.csv")])
    assert result.exit_code == 2
    assert "studentInfo.csv" in result.output
    assert not (tmp_path / "p.csv").exists()


def test_an_unknown_protocol_is_refused_before_any_work(tmp_path, data_dir):
    result = CliRunner().invoke(app, ["oulad", "--data", str(tmp_path), "--out",
                                      str(tmp_path / "p.csv"), "--protocol", "random"])
    assert result.exit_code == 2
    assert "walk-forward" in result.output and "fixed" in result.output
    assert not (tmp_path / "p.csv").exists()


@pytest.mark.slow
def test_predictions_are_written_and_the_user_workspace_is_untouched(oulad_slice, tmp_path,
                                                                      data_dir):
    out = tmp_path / "preds.csv"
    result = CliRunner().invoke(app, ["oulad", "--data", str(oulad_slice), "--out", str(out)])
    assert result.exit_code == 0, result.output
    preds = pd.read_csv(out)
    assert list(preds.columns) == ["code_module", "code_presentation", "id_student",
                                   "p_withdraw_prestart", "p_withdraw_early",
                                   "p_withdraw_day30", "p_withdraw_day60", "p_withdraw_day90"]
    assert set(preds["code_presentation"]) == {"2014B", "2014J"}
    assert not data_dir.exists()
