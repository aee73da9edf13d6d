import numpy as np
import pandas as pd

from model.competence_evidence import evidenced_levels

NAT = np.datetime64("NaT")


def _decisions(*rows):
    return pd.DataFrame(rows, columns=["decision", "reason_code", "decided_at"]).assign(
        decided_at=lambda d: pd.to_datetime(d["decided_at"]))


def _run(assessed, assessed_on, decisions, person_rows, program_rows, targets):
    return evidenced_levels(np.array(assessed, np.float32),
                            np.array(assessed_on, dtype="datetime64[ns]"), decisions,
                            np.array(person_rows), np.array(program_rows),
                            np.array(targets, np.float32))


# Program 0 targets competency 0 at level 3 and competency 1 at level 2; program 1 targets 2 at 4.
TARGETS = [[3, 2, 0], [0, 0, 4]]


def test_already_competent_after_the_assessment_raises_each_targeted_competency():
    out = _run([[2, 2, 1]], [["2024-01-01", "2024-01-01", "2024-01-01"]],
               _decisions(("rejected", "already_competent", "2025-03-01")), [0], [0], TARGETS)
    # 0 rises to the target 3; 1 already meets its target 2; 2 is not targeted.
    np.testing.assert_array_equal(out, [[3, 2, 1]])


def test_an_assessment_made_after_the_decision_stands_and_a_level_is_never_lowered():
    out = _run([[2, 4, np.nan]], [["2025-06-01", "2024-01-01", NAT]],
               _decisions(("rejected", "already_competent", "2025-03-01")), [0], [0], TARGETS)
    np.testing.assert_array_equal(out[0, :2], [2, 4])


def test_a_competency_not_assessed_yet_takes_the_target_level():
    out = _run([[np.nan, np.nan, 1]], [[NAT, NAT, "2024-01-01"]],
               _decisions(("rejected", "already_competent", "2025-03-01")), [0], [0], TARGETS)
    np.testing.assert_array_equal(out, [[3, 2, 1]])


def test_with_nothing_assessed_at_all_nothing_changes():
    out = _run([[np.nan] * 3], [[NAT] * 3],
               _decisions(("rejected", "already_competent", "2025-03-01")), [0], [0], TARGETS)
    assert np.isnan(out).all()


def test_other_reasons_acceptances_and_unknown_rows_change_nothing():
    assessed = [[1, 1, 1], [1, 1, 1]]
    on = [["2024-01-01"] * 3] * 2
    d = _decisions(("rejected", "not_relevant", "2025-03-01"),
                   ("accepted", None, "2025-03-01"),
                   ("rejected", "already_competent", "2025-03-01"),
                   ("rejected", "already_competent", "2025-03-01"))
    out = _run(assessed, on, d, [0, 0, -1, 1], [0, 0, 0, -1], TARGETS)
    np.testing.assert_array_equal(out, assessed)


def test_several_decisions_on_one_cell_keep_the_highest_level():
    targets = [[2, 0, 0], [4, 0, 0]]
    d = _decisions(("rejected", "already_competent", "2025-03-01"),
                   ("rejected", "already_competent", "2025-01-01"))
    out = _run([[1, 1, 1]], [["2024-01-01"] * 3], d, [0, 0], [0, 1], targets)
    assert out[0, 0] == 4
