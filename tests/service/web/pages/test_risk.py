"""The risk groups page (service/risk.py through the API's route)."""

import pytest

pytestmark = pytest.mark.slow


def test_risk_groups_show_a_chart_or_say_there_are_none(sessions):
    page = sessions["analyst"].get("/ui/risk-groups")
    assert page.status_code == 200
    text = page.text
    assert "Rata-rata organisasi" in text
    if 'class="list groups"' in text:
        assert 'role="img"' in text and "Tindakan yang disarankan" in text
    else:
        assert "Tidak ada kelompok berisiko" in text


def test_a_unit_head_sees_their_units_view(sessions, web_world):
    page = sessions["head_a"].get("/ui/risk-groups")
    assert page.status_code == 200 and web_world["unit_a"] in page.text
    english = sessions["head_a"].get("/ui/risk-groups", params={"lang": "en"}).text
    assert "Organisation mean" in english
    sessions["head_a"].get("/ui/", params={"lang": "id"})
