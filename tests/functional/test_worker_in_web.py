"""WORKER_IN_WEB=1: the Procfile's `web` process alone runs the shop's jobs (one dyno), keeps its worker running
when it dies, and takes everything down cleanly on SIGTERM."""

import os
import signal
import subprocess
from pathlib import Path

import pytest

from storefront import jobs
from storefront.extensions import db
from storefront.job_records import JobRecord, JobState
from tests.functional.mail.support import wait_until
from tests.functional.test_production_start_up import wait_for
from tests.production import PROJECT_ROOT, environment, procfile
from tests.stripe_fake import free_port

HELD_JOB = "tests.functional.mail.support.held_job"


@pytest.fixture
def web(rq_queue, tmp_path):
    """The Procfile's web line with WORKER_IN_WEB=1 on the test's database, Redis and queue; its log in tmp_path."""
    port = free_port()
    env = environment(WORKER_IN_WEB="1", JOB_QUEUE=rq_queue.name, JOB_RETRY_INTERVALS="0", PORT=str(port))
    log = (tmp_path / "web.log").open("w")
    command = ["bash", "-c", f"exec {procfile()['web']}"]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    wait_for(f"http://127.0.0.1:{port}/healthz", process, seconds=120)
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()
    for pid in descendants(process.pid):
        kill_quietly(pid)


def descendants(pid, depth=None):
    """Every live process below `pid` (`depth` levels at most), from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier, level = [], [pid], 0
    while frontier and level != depth:
        level += 1
        children = [child for child, parent in parents.items() if parent in frontier]
        found.extend(children)
        frontier = children
    return found


def command_line(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def rq_workers_of(web):
    """The RQ worker processes the web process's supervisor started (not their work horses or scheduler)."""
    supervisors = [pid for pid in descendants(web.pid, depth=1) if "supervise.py" in command_line(pid)]
    children = [child for pid in supervisors for child in descendants(pid, depth=1)]
    return [pid for pid in children if command_line(pid).rstrip().endswith("worker.py")]


def alive(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def kill_quietly(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def queue_held_job(tmp_path, name):
    """A recorded job through the app, released at once: it leaves a `finished` marker when a worker ran it."""
    markers = tmp_path / name
    markers.mkdir()
    (markers / "release").write_text("go")
    jobs.enqueue_after_commit(HELD_JOB, str(markers), job_id=f"held-{name}")
    jobs.commit()
    return markers


def records_done():
    db.session.expire_all()
    return db.session.scalars(db.select(JobRecord.state).where(JobRecord.func_path == HELD_JOB)).all()


def test_the_web_process_works_the_queue_respawns_its_worker_and_stops_cleanly(web, tmp_path):
    log = tmp_path / "web.log"
    first = queue_held_job(tmp_path, "first")
    assert wait_until(lambda: (first / "finished").exists()), log.read_text()
    assert wait_until(lambda: len(rq_workers_of(web)) == 1), log.read_text()
    [worker] = rq_workers_of(web)
    left_behind = descendants(worker)  # its scheduler child

    os.kill(worker, signal.SIGKILL)
    assert wait_until(lambda: [pid for pid in rq_workers_of(web) if pid != worker]), log.read_text()
    assert wait_until(lambda: not any(alive(pid) for pid in left_behind)), log.read_text()
    second = queue_held_job(tmp_path, "second")
    assert wait_until(lambda: (second / "finished").exists()), log.read_text()
    assert records_done() == [JobState.DONE.value, JobState.DONE.value]

    everything = descendants(web.pid)
    web.send_signal(signal.SIGTERM)
    assert web.wait(timeout=120) == 0, log.read_text()
    assert wait_until(lambda: not any(alive(pid) for pid in everything), seconds=30), log.read_text()
