"""The dashboard's background retraining: one at a time, outcome recorded, failures shown."""

import threading
from types import SimpleNamespace

from service.retrain_jobs import RetrainJob


def wait_done(job: RetrainJob) -> None:
    for _ in range(200):
        if not job.running:
            return
        threading.Event().wait(0.01)
    raise AssertionError("the job did not finish")


def test_one_job_at_a_time_and_its_outcome():
    job, gate, reloaded = RetrainJob(), threading.Event(), []

    def run(progress):
        progress("training", 0.5)
        gate.wait(5)
        return SimpleNamespace(status="promoted", message="version 2 promoted")

    assert job.start("2026Q3", "admin", run, reloaded.append)
    assert job.running
    assert not job.start("2026Q3", "admin", run, reloaded.append)  # refused while running
    gate.set()
    wait_done(job)
    assert (job.status, job.message, job.step) == ("promoted", "version 2 promoted", "training")
    assert len(reloaded) == 1 and job.finished_at is not None


def test_a_failure_is_recorded_and_the_next_job_may_start():
    job = RetrainJob()

    def boom(progress):
        raise RuntimeError("another retrain is running")

    assert job.start("2026Q3", "admin", boom, lambda r: None)
    wait_done(job)
    assert job.status == "failed" and "another retrain is running" in job.message
    assert job.start("2026Q3", "admin", boom, lambda r: None)
    wait_done(job)
