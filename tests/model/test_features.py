"""Pair features against a plain pandas reading of the same history (an independent reference)."""

import numpy as np

from model.candidates import candidate_pairs
from model.features import PERSON, _recent, pair_features, person_features
from model.snapshot import build_snapshot


def test_history_and_popularity_features_match_a_pandas_reference(frames, as_of):
    snap = build_snapshot(frames, as_of)
    people = person_features(snap)
    persons = list(snap.people.index[:300])
    pairs = candidate_pairs(snap, persons, list(snap.programs.index))[[PERSON, "program_id"]]
    pairs = pairs.reset_index(drop=True)
    feats = pair_features(snap, pairs, people)

    h = snap.history
    tried = set(zip(h[PERSON], h["program_id"]))
    expected_tried = [(p, j) in tried for p, j in zip(pairs[PERSON], pairs["program_id"])]
    assert np.array_equal(feats["prev_attempt"].to_numpy() == 1.0, expected_tried)
    assert 0 < sum(expected_tried) < len(pairs)

    done = h[h["status"] == "completed"]
    form = done["program_id"].map(snap.programs["form"])
    per_form = done.groupby([done[PERSON], form]).size()
    n_done = done.groupby(PERSON).size()
    for (p, j), share in zip(zip(pairs[PERSON], pairs["program_id"]), feats["form_share"]):
        total = n_done.get(p, 0)
        if total == 0:
            assert np.isnan(share)
        else:
            assert share == per_form.get((p, snap.programs.at[j, "form"]), 0) / total

    # Popularity in the unit: the unit's completions of the program in the recent window over
    # the unit's size (the window itself is the module's own choice).
    recent = _recent(h, snap.as_of, 4)
    recent = recent[recent["status"] == "completed"]
    unit = snap.people["unit"]
    counts = recent.groupby([recent[PERSON].map(unit), "program_id"]).size()
    sizes = unit.value_counts()
    expected = [counts.get((unit[p], j), 0) / sizes[unit[p]]
                for p, j in zip(pairs[PERSON], pairs["program_id"])]
    assert np.allclose(feats["pop_unit"].to_numpy(), expected)
    assert max(expected) > 0
