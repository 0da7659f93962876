"""The render's scheduler: forked workers and the main process take jobs from one queue."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from aiinfra.render.workers import Job, run_jobs

MARKS = "AIINFRA_TEST_WORKER_MARKS"


def _job(job: Job) -> tuple[str, int]:
    """Mark that the job ran, take a little while, and fail where the job's name says so."""
    kind, names = job
    Path(os.environ[MARKS], kind).touch()
    time.sleep(0.05)
    if "fail" in names:
        raise ValueError(f"job {kind} failed")
    return kind, os.getpid()


def _work(count: int, fail: int | None = None) -> list[Job]:
    return [(f"j{i:02d}", ("fail",) if i == fail else ()) for i in range(count)]


@pytest.fixture
def marks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(MARKS, str(tmp_path))
    return tmp_path


def test_results_come_in_job_order_and_the_main_process_works_too(marks: Path) -> None:
    work = _work(24)
    with run_jobs(_job, work, 2, None) as results:
        got = list(results)
    assert [kind for kind, _ in got] == [kind for kind, _ in work]
    pids = {pid for _, pid in got}
    assert os.getpid() in pids  # the main process ran jobs
    assert len(pids) == 2  # and so did the one forked worker
    assert len(list(marks.iterdir())) == len(work)


def test_a_failed_worker_job_stops_the_handing_out(marks: Path) -> None:
    """Job 0 goes to the worker first and fails: the render ends without running the rest."""
    work = _work(40, fail=0)
    with pytest.raises(ValueError, match="job j00 failed"), run_jobs(_job, work, 2, None) as results:
        list(results)
    assert len(list(marks.iterdir())) < len(work) // 2


def test_a_failed_main_job_kills_the_workers(marks: Path) -> None:
    import multiprocessing

    work = _work(40, fail=1)  # job 1 is the main process's first
    with pytest.raises(ValueError, match="job j01 failed"), run_jobs(_job, work, 2, None) as results:
        list(results)
    assert not multiprocessing.active_children()
    assert len(list(marks.iterdir())) < len(work) // 2


def test_progress_counts_every_job_as_it_finishes(marks: Path) -> None:
    """Each job is counted once, in order, and the count moves while jobs still run (not all at the end)."""
    work = _work(12)
    seen: list[tuple[str, int, int]] = []
    started_then: list[int] = []

    def progress(*report: object) -> None:
        seen.append(report)  # type: ignore[arg-type]
        started_then.append(len(list(marks.iterdir())))

    with run_jobs(_job, work, 2, progress) as results:
        list(results)
    assert seen == [("render jobs", i, len(work)) for i in range(1, len(work) + 1)]
    assert started_then[0] < len(work)
