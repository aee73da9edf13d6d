"""The model page: version, card, registry versions; admin actions."""

import pytest

pytestmark = pytest.mark.slow


def test_everyone_sees_the_served_version_card_and_versions(sessions, web_world):
    page = sessions["head_a"].get("/ui/model").text
    assert f'id="model-version">{web_world["version"]}<' in page
    assert 'class="list versions"' in page and "Jadikan juara" not in page
    headline = page.split('<table class="metrics">', 1)[1].split("</table>", 1)[0]
    assert "engagement.completion.roc_auc" in headline and "collaborative_only" not in headline
    card = sessions["head_a"].get("/ui/model/card")
    assert card.status_code == 200 and "text/html" in card.headers["content-type"]


def test_only_admins_act_on_the_model(sessions):
    analyst = sessions["analyst"]
    for action in ("reload", "rollback", "retrain"):
        answer = analyst.post(f"/ui/model/{action}",
                              data={"csrf_token": analyst.cookies["asn_csrf"], "quarter": "2026Q3"})
        assert answer.status_code == 403, action


def test_admin_reload_and_a_rollback_without_previous_version(sessions, web_world):
    admin = sessions["admin"]
    token = admin.cookies["asn_csrf"]
    reloaded = admin.post("/ui/model/reload", data={"csrf_token": token})
    assert reloaded.status_code == 303 and "model.reloaded" in reloaded.headers["location"]
    rolled = admin.post("/ui/model/rollback", data={"csrf_token": token})
    assert "model.no_previous" in rolled.headers["location"]
    page = admin.get(rolled.headers["location"]).text
    assert "Tidak ada versi sebelumnya" in page
    assert f'id="model-version">{web_world["version"]}<' in page
    bad = admin.post("/ui/model/retrain", data={"csrf_token": token, "quarter": "2026Q9"})
    assert bad.status_code == 422
    missing = admin.post("/ui/model/promote", data={"csrf_token": token, "version": "999"})
    assert missing.status_code == 404
