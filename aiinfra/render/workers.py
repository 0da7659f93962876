"""The render's processes: forked workers that share the Design, and the main process beside them.

:mod:`aiinfra.render.pipeline` says what the jobs are; this module runs them. Workers
never outlive the render: the kernel kills them when the parent dies (kill -9 included),
and the parent kills and reaps them before it removes a staging folder.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from aiinfra.gcpause import gc_paused

Progress = Callable[[str, int, int], None]
Job = tuple[str, tuple[str, ...]]
R = TypeVar("R")

PR_SET_PDEATHSIG = 1
_prctl = getattr(ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True), "prctl", None)


def _worker_init(parent: int) -> None:
    """Tie a worker's life to the render's: it dies with the parent, whatever kills that.

    PR_SET_PDEATHSIG has the kernel send SIGKILL when the parent dies (kill -9 included);
    the pid check covers a parent that died before the prctl. Ctrl-C and SIGTERM are the
    parent's to handle: it kills its workers before it removes the staging folder.
    """
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    gc.disable()


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """SIGKILL and reap every worker, so none writes into a staging folder being removed.

    The pool's own table misses a worker forked while the interrupt arrived (the pool
    records it only after ``fork`` returns; on a loaded machine that worker may already be
    running a job): left alive, multiprocessing's exit handler would wait for its job. So
    every live child multiprocessing started is killed too; the render starts no other.
    """
    found = {p.pid: p for p in (getattr(pool, "_processes", None) or {}).values()}
    found.update({p.pid: p for p in multiprocessing.active_children()})
    processes = list(found.values())
    for process in processes:
        process.kill()
    for process in processes:
        process.join()


@contextmanager
def run_jobs(
    func: Callable[[Job], R], work: list[Job], workers: int, progress: Progress | None
) -> Iterator[Iterator[R]]:
    """The jobs' results in order; on any exit before the end every worker is dead and reaped.

    With ``workers`` cores the render forks ``workers - 1`` processes and the main process
    runs jobs too, all taking the next job from one queue in ``work``'s order. Why the
    main process works: it already holds the Design, while a forked worker ends up with a
    private copy of every page of it that it reads (CPython writes a reference count into
    each object it touches), so each extra worker costs the Design's size again; on two
    cores this halves the number of copies (the 131,072-GPU Design is about 600 MiB) at no
    cost in parallelism.
    """
    if workers == 1:
        yield _serial(func, work, progress)
        return
    # Freeze the Design into the permanent GC generation before forking: the workers'
    # collectors then never walk (and copy-on-write) its million objects.
    gc.freeze()
    pool = ProcessPoolExecutor(
        workers - 1, mp_context=multiprocessing.get_context("fork"), initializer=_worker_init, initargs=(os.getpid(),)
    )
    queue = _Queue(work)
    try:
        # submit + result rather than pool.map: map cancels the pending futures when it is
        # interrupted, and on Python 3.11 the pool's manager thread then raises
        # InvalidStateError on them as it sees the killed workers. Nothing is cancelled here;
        # the killed pool fails the pending futures itself.
        queue.feed(pool, func, workers - 1)
        yield queue.results(func, progress)
    except BaseException:
        queue.stop()
        _kill_workers(pool)
        raise
    finally:
        queue.stop()
        pool.shutdown(wait=True)
        gc.unfreeze()


class _Queue:
    """The render's jobs, handed out in order to the pool's workers and to the main process.

    A worker's next job is submitted when its last one completes (from the pool's result
    thread, as a done-callback), so the pool always has exactly one job per worker and never
    takes a job the main process could run sooner; the main process takes the next job
    whenever it is free. A failed job stops the handing out, so a full disk or a broken
    invariant ends the render as soon as it is seen. Results come back in ``work``'s order.
    """

    def __init__(self, work: list[Job]) -> None:
        self._work = work
        self._next = 0
        self._lock = threading.Lock()
        self._stopped = False
        self._futures: dict[int, Future[object]] = {}  # the jobs handed to the pool, by index
        self._done: dict[int, object] = {}  # the main process's results, by index
        self._failure: BaseException | None = None  # why the pool could not take a job
        self._reported = 0  # finished jobs the progress callback has heard of

    def _take(self) -> int | None:
        with self._lock:
            if self._stopped or self._next == len(self._work):
                return None
            self._next += 1
            return self._next - 1

    def feed(self, pool: ProcessPoolExecutor, func: Callable[[Job], object], count: int) -> None:
        """Start ``count`` chains of jobs on the pool, each submitting its successor when it completes."""

        def submit_next(done: Future[object] | None = None) -> None:
            if done is not None and (done.cancelled() or done.exception() is not None):
                self.stop()
                return
            i = self._take()
            if i is None:
                return
            try:
                future = pool.submit(func, self._work[i])
            except Exception as err:  # a broken or shut-down pool: its futures say why
                self._failure = err
                self.stop()
                return
            self._futures[i] = future
            future.add_done_callback(submit_next)

        for _ in range(count):
            submit_next()

    def results(self, func: Callable[[Job], R], progress: Progress | None = None) -> Iterator[R]:
        """Run jobs in this process until none is left, then every result in job order.

        ``progress`` hears each finished job as soon as this process sees it (after each job
        it runs, then as it collects the workers'), counted one at a time up to the total.
        """
        ran = 0
        with gc_paused():  # as in the workers: the jobs allocate much and free little
            while (i := self._take()) is not None:
                self._done[i] = func(self._work[i])
                ran += 1
                self._report(progress, ran + sum(f.done() for f in list(self._futures.values())))
        for i in range(len(self._work)):
            if i in self._done:
                yield self._done.pop(i)  # type: ignore[misc]
            elif i in self._futures:
                result = self._futures[i].result()
                self._report(progress, ran + sum(f.done() for f in list(self._futures.values())))
                yield result  # type: ignore[misc]
            else:  # never run: the handing out stopped at a failure
                raise self._first_failure()
        self._report(progress, len(self._work))

    def _report(self, progress: Progress | None, finished: int) -> None:
        if progress is None:
            return
        for count in range(self._reported + 1, min(finished, len(self._work)) + 1):
            progress("render jobs", count, len(self._work))
        self._reported = max(self._reported, finished)

    def _first_failure(self) -> BaseException:
        for i in sorted(self._futures):
            error = self._futures[i].exception()
            if error is not None:
                return error
        return self._failure or RuntimeError("a render job was never run")

    def stop(self) -> None:
        """Hand out no more jobs (an error or an interrupt is ending the render)."""
        with self._lock:
            self._stopped = True


def _serial(func: Callable[[Job], R], work: list[Job], progress: Progress | None) -> Iterator[R]:
    return _progressed((func(job) for job in work), len(work), progress)


def _progressed(results: Iterator[R], total: int, progress: Progress | None) -> Iterator[R]:
    for i, result in enumerate(results, 1):
        if progress:
            progress("render jobs", i, total)
        yield result
