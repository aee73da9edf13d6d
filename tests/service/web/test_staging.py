"""Staged uploads between the dry run and the confirmation."""

import io
import os
import time

import pytest

from service.web import staging


def test_a_staged_upload_belongs_to_its_uploader_only(data_dir):
    token, folder = staging.new_folder("analyst1")
    staging.save(io.BytesIO(b"a,b\n1,2\n"), folder / "employees.csv", 100)
    assert staging.folder_of(token, "analyst1") == folder
    assert staging.folder_of(token, "someone_else") is None
    assert staging.folder_of("../../etc", "analyst1") is None
    assert [p.name for p in staging.staged_files(folder)] == ["employees.csv"]
    staging.discard(folder)
    assert staging.folder_of(token, "analyst1") is None


def test_too_large_and_stale_uploads(data_dir):
    token, folder = staging.new_folder("a")
    with pytest.raises(staging.TooLarge):
        staging.save(io.BytesIO(b"x" * 50), folder / "big.csv", 10)
    old = time.time() - staging.MAX_AGE_SECONDS - 10
    os.utime(folder, (old, old))
    staging.sweep()
    assert not folder.exists()
