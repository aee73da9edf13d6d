"""Playbook: each typical driver leads to the intervention HR expects, in both languages."""

import json

import pandas as pd
import pytest

from model.playbook import annotate_groups, driver_shares, explain_group, load_playbook


def drivers(**importance) -> pd.DataFrame:
    return pd.DataFrame({"feature": list(importance), "importance": list(importance.values())})


def test_the_packaged_playbook_loads_with_texts_in_both_languages():
    book = load_playbook()
    assert {"offer_klasikal", "involve_head", "avoid_peak_months", "short_targeted_course",
            "short_elearning_that_counts"} <= {r.id for r in book.rules}
    assert all(r.action["id"] != r.action["en"] for r in book.rules)


@pytest.mark.parametrize("group, expected", [
    ({"digital_access": ["poor", "limited"]}, "offer_klasikal"),
    ({"age_band": "50+", "recent_form": "e_learning"}, "offer_klasikal"),
    ({"head_participates": False}, "involve_head"),
    ({"months_since_last_training": "24+"}, "short_targeted_course"),
])
def test_group_attributes_alone_trigger_the_right_intervention(group, expected):
    todo = explain_group(group)
    assert todo.intervention.iloc[0] == expected
    assert len(todo) == 1


def test_drivers_rank_interventions_and_are_named_in_the_reason():
    todo = explain_group({"sex": "F"}, drivers(jp_so_far=0.5, head_participates=0.3, unit=0.2))
    assert list(todo.intervention) == ["short_elearning_that_counts", "involve_head"]
    assert "(pendorong: JP tahun ini 50%)" in todo.because_id.iloc[0]
    assert "unit head trains 30%" in todo.because_en.iloc[1]


@pytest.mark.parametrize("factor, expected", [
    ("season", "avoid_peak_months"), ("habit", "short_targeted_course"),
    ("unit_head", "involve_head"), ("digital_access", "offer_klasikal"),
])
def test_each_duty_model_factor_group_reaches_an_intervention(factor, expected):
    todo = explain_group({"sex": "F"}, drivers(**{factor: 1.0}))
    assert todo.intervention.iloc[0] == expected


def test_every_playbook_feature_is_a_real_feature_factor_or_attribute():
    from model.engagement import FACTOR_GROUPS
    from model.features import PERSON_FEATURES
    from model.risk_groups import DEFAULT_ATTRIBUTES

    known = set(FACTOR_GROUPS) | set(PERSON_FEATURES) | set(DEFAULT_ATTRIBUTES) | {"age_band"}
    for rule in load_playbook().rules:
        assert set(rule.features) <= known, rule.id
        assert {a for alt in rule.when for a in alt} <= known, rule.id


def test_a_weak_driver_or_a_contradicting_group_does_not_trigger():
    assert explain_group({"sex": "F"}, drivers(digital_access=0.05, unit=0.95)).empty
    assert explain_group({"digital_access": "good"}, drivers(digital_access=1.0)).empty
    assert explain_group({"head_participates": True}, drivers(head_participates=1.0)).empty


def test_negative_permutation_importances_count_as_zero():
    shares = driver_shares(drivers(a=0.3, b=-0.2, c=0.1))
    assert shares.to_dict() == pytest.approx({"a": 0.75, "c": 0.25, "b": 0.0})
    with pytest.raises(ValueError, match="'feature' and 'importance'"):
        driver_shares(pd.DataFrame({"name": ["a"], "value": [1.0]}))


def test_a_playbook_file_overrides_the_packaged_one(tmp_path):
    path = tmp_path / "book.json"
    path.write_text(json.dumps({"rules": [{
        "id": "mentor", "features": ["skp_rating"], "when": [],
        "action": {"id": "Tunjuk mentor.", "en": "Assign a mentor."},
        "reason": {"id": "kinerja", "en": "performance"}}]}))
    todo = explain_group({"sex": "M"}, {"skp_rating": 1.0}, playbook=path)
    assert list(todo.action_en) == ["Assign a mentor."]


@pytest.mark.parametrize("content, fragment", [
    ("{not json", "not valid JSON"),
    ('{"rules": []}', "non-empty 'rules'"),
    ('{"rules": [{"id": "x", "features": ["a"], "action": {"en": "A"}, "reason": '
     '{"id": "r", "en": "r"}}]}', "'action' needs non-empty 'id' and 'en'"),
    ('{"rules": [{"id": "x", "action": {"id": "A", "en": "A"}, "reason": '
     '{"id": "r", "en": "r"}}]}', "needs 'features' or 'when'"),
    ('{"min_driver_share": 2, "rules": [{"id": "x", "features": ["a"], "action": '
     '{"id": "A", "en": "A"}, "reason": {"id": "r", "en": "r"}}]}', "min_driver_share"),
])
def test_a_broken_playbook_is_named(tmp_path, content, fragment):
    path = tmp_path / "book.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=fragment):
        load_playbook(path)
    with pytest.raises(ValueError, match="cannot read playbook"):
        load_playbook(tmp_path / "absent.json")


def test_annotate_groups_adds_drivers_and_numbered_interventions():
    groups = pd.DataFrame({
        "group_id": ["G1", "G2"],
        "conditions": [{"digital_access": ("poor",)}, {"unit": ("A", "B")}],
    })
    out = annotate_groups(groups, {"G1": {"digital_access": 0.7, "age_band": 0.3}})
    g1 = out.set_index("group_id").loc["G1"]
    assert g1.drivers_en == "digital access 70%; age band 30%"
    assert g1.drivers_id.startswith("akses digital 70%")
    assert g1.interventions_id.startswith("1. Sediakan pilihan pelatihan klasikal")
    assert out.set_index("group_id").loc["G2", "interventions_en"] == ""
