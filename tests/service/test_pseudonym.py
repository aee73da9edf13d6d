"""Pseudonyms: stable, keyed, and no employee id or name survives pseudonymise_tables."""

import json
import stat

import pandas as pd

from service.pseudonym import load_key, person_key, pseudonymise_tables

NIP = "198503122010012001"


def test_key_file_is_created_private_once_and_reused(data_dir):
    key = load_key()
    path = data_dir.resolve() / "secrets.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) == 64
    assert load_key() == key


def test_key_is_added_without_losing_other_secrets(data_dir):
    path = data_dir / "secrets.json"
    data_dir.mkdir(parents=True)
    path.write_text(json.dumps({"token_key": "abc"}))
    load_key()
    assert json.loads(path.read_text())["token_key"] == "abc"


def test_environment_key_wins(data_dir, monkeypatch):
    from service.settings import get_settings

    monkeypatch.setenv("ASN_PSEUDONYM_KEY", "k1")
    get_settings.cache_clear()
    assert load_key() == b"k1"
    assert not (data_dir / "secrets.json").exists()


def test_person_key_depends_on_the_key():
    assert len(person_key(NIP, b"a")) == 16
    assert person_key(NIP, b"a") == person_key(NIP, b"a")
    assert person_key(NIP, b"a") != person_key(NIP, b"b")


def test_tables_lose_ids_and_names():
    frames = {
        "employees": pd.DataFrame({"employee_id": [NIP, "P-1"], "name": ["Siti", "Rina"],
                                   "unit": ["BKPSDM", "BKPSDM"]}),
        "units": pd.DataFrame({"unit": ["BKPSDM"], "head_employee_id": [NIP]}),
        "enrollments": pd.DataFrame({"employee_id": [NIP, None], "program_id": ["P1", "P2"]}),
    }
    out = pseudonymise_tables(frames, key=b"secret")
    assert list(out["employees"].columns) == ["person_key", "unit"]
    assert list(out["units"].columns) == ["unit", "head_person_key"]
    siti = person_key(NIP, b"secret")
    assert out["employees"]["person_key"].iloc[0] == siti
    assert out["units"]["head_person_key"].iloc[0] == siti
    assert out["enrollments"]["person_key"].iloc[0] == siti
    assert pd.isna(out["enrollments"]["person_key"].iloc[1])
    dumped = "".join(f.to_csv() for f in out.values())
    assert NIP not in dumped and "Siti" not in dumped
    assert "employee_id" in frames["employees"].columns  # inputs untouched


def test_missing_ids_stay_missing():
    import pandas as pd

    from service.pseudonym import pseudonymise

    out = pseudonymise(pd.Series(["1985", None, pd.NA]), b"k")
    assert out.iloc[0] and len(out.iloc[0]) == 16
    assert out.iloc[1:].isna().all()


def test_decisions_lose_their_free_text_note_and_who_decided():
    frames = {"decisions": pd.DataFrame({
        "decision_id": ["d1"], "employee_id": ["198501012010011001"], "program_id": ["P1"],
        "decision": ["rejected"], "reason_code": ["not_relevant"],
        "reason": ["Pak Budi bilang tidak perlu"], "decided_by": ["analis_1"]})}
    out = pseudonymise_tables(frames, key=b"k" * 32)["decisions"]
    assert list(out.columns) == ["decision_id", "person_key", "program_id", "decision",
                                 "reason_code"]
    assert out["person_key"].iloc[0] == person_key("198501012010011001", b"k" * 32)
