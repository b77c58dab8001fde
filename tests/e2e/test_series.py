"""A catalogue in one command: three titles (one broken) built two at a time into
``<out>/<slug>/``, on this machine and through a Dask scheduler with two workers on 127.0.0.1;
a worker killed mid-title; a scheduler out of reach."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest

from ..conftest import PUBLICATIONS, REPOSITORY

SAMPLE_SLUG = "people-to-people-diplomacy-enterprises"
COMMAND = [sys.executable, str(REPOSITORY / "publish.py"), "build"]
DASK = Path(sys.executable).with_name("dask")


@pytest.fixture(scope="module")
def titles(tmp_path_factory) -> Path:
    """A catalogue file listing the sample, a second title with the same pictures (another
    slug), and a title whose publication.yaml is wrong (a misspelt key on line 3)."""
    folder = tmp_path_factory.mktemp("series")
    second = folder / "part-v"
    for name in ("manuscript", "images"):
        shutil.copytree(REPOSITORY / name, second / name)
    settings = second / "manuscript" / "publication.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        f"slug: {SAMPLE_SLUG}", "slug: part-v"), encoding="utf-8")
    broken = folder / "broken"
    shutil.copytree(PUBLICATIONS / "ar", broken)
    text = (broken / "manuscript" / "publication.yaml").read_text(encoding="utf-8").splitlines()
    text.insert(2, "layuot: brochure")
    (broken / "manuscript" / "publication.yaml").write_text("\n".join(text) + "\n",
                                                            encoding="utf-8")
    (folder / "catalogue.yaml").write_text(
        f"# the series\n- {REPOSITORY}\n- part-v\n- broken\n", encoding="utf-8")
    return folder / "catalogue.yaml"


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=900,
                          **kwargs)


def built_well(out: Path, slug: str, press: bool = True) -> None:
    """Every output of a title is there, whole: the PDFs open, no temporary file is left."""
    folder = out / slug
    for suffix in (".pdf", ".epub", "-proof.png"):
        assert (folder / f"{slug}{suffix}").stat().st_size > 1000, suffix
    with pikepdf.open(folder / f"{slug}.pdf") as pdf:
        assert len(pdf.pages) >= 8
    if press:
        with pikepdf.open(folder / "press" / f"{slug}-press.pdf") as pdf:
            assert "/OutputIntents" in pdf.Root
    assert (folder / "web" / "index.html").is_file()
    assert not [path for path in out.rglob("*.part")]


def separations(out: Path) -> list[str]:
    return sorted(path.name for path in (out / ".cache" / "shared" / "press").glob("*.jpg"))


def test_three_titles_one_broken_two_at_a_time(titles, tmp_path):
    out = tmp_path / "out"
    result = run("--catalogue", str(titles), "--out", str(out), "--workers", "2", "--json")
    assert result.returncode == 2, result.stderr  # the worst title's: a problem in its source
    report = json.loads(result.stdout)
    by_slug = {title["slug"]: title for title in report["titles"]}
    assert list(by_slug) == [SAMPLE_SLUG, "part-v", "broken"]  # the catalogue's order
    assert report["exit_code"] == 2 and report["workers"] == 2
    for slug in (SAMPLE_SLUG, "part-v"):
        assert by_slug[slug]["exit_code"] == 0, by_slug[slug]["errors"]
        assert len(by_slug[slug]["outputs"]) >= 8
        built_well(out, slug)
    broken = by_slug["broken"]
    assert broken["exit_code"] == 2 and not broken["outputs"]
    assert broken["errors"] == [line.removeprefix("error: ") for line in
                                result.stderr.splitlines() if line.startswith("error: ")]
    assert len(broken["errors"]) == 1 and broken["errors"][0].startswith(
        f"{titles.parent / 'broken' / 'manuscript' / 'publication.yaml'}:3: ")
    assert "'layout'" in broken["errors"][0]
    assert not (out / "broken").exists()
    # The two good titles share their pictures: each separated to CMYK once, in one cache.
    pictures = sorted(path.stem for path in (REPOSITORY / "images").iterdir()
                      if path.suffix in (".jpg", ".jpeg", ".png"))
    assert len(separations(out)) == len(pictures)
    assert not list((out / SAMPLE_SLUG / ".cache").glob("press/*.jpg"))

    # The summary table, without --json: a row per title, the worst exit code again.
    again = run("--catalogue", str(titles), "--out", str(out), "--workers", "2")
    assert again.returncode == 2
    rows = {line.split()[0]: line.split()[1:] for line in again.stderr.splitlines()
            if line.split() and line.split()[0] in (SAMPLE_SLUG, "part-v", "broken")}
    assert rows[SAMPLE_SLUG][:2] == ["built", str(len(by_slug[SAMPLE_SLUG]["outputs"]))]
    assert rows["broken"][:4] == ["source", "0", "0", "1"]
    assert "title  result  outputs  warnings  errors  seconds".split() == \
        next(line.split() for line in again.stderr.splitlines() if line.startswith("title "))


def test_same_slug_twice_is_that_titles_error(tmp_path):
    out = tmp_path / "out"
    result = run("--source", str(PUBLICATIONS / "ar"), "--source", str(PUBLICATIONS / "ar"),
                 "--out", str(out), "--target", "pdf", "--workers", "1")
    assert result.returncode == 2
    assert "is listed twice" in result.stderr
    slug = next(path.name for path in out.iterdir() if not path.name.startswith("."))
    assert (out / slug / f"{slug}.pdf").is_file()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc")
def test_a_stopped_catalogue_stops_its_builds(titles, tmp_path):
    out = tmp_path / "out"
    command = subprocess.Popen([*COMMAND, "--catalogue", str(titles), "--out", str(out),
                                "--workers", "1"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: children(command.pid), "the first title's build to start")
        builds = children(command.pid)
        command.send_signal(signal.SIGTERM)  # as a supervisor stops a job
        stdout, stderr = command.communicate(timeout=300)
    finally:
        if command.poll() is None:
            command.kill()
    assert command.returncode == 128 + signal.SIGTERM, stderr
    assert "interrupted" in stderr
    assert all(state(pid) in ("gone", "Z") for pid in builds)  # waited for, not orphaned
    assert not (out / "part-v").exists()  # the second title was never started
    assert not list(out.rglob("*.part"))


# --- on a Dask cluster: a scheduler and two workers on this machine ---

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """A Dask scheduler and workers on 127.0.0.1, started as the `dask` command starts them and
    stopped by their own process ids."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen] = []
        self.start("scheduler", "--host", "127.0.0.1", "--port", str(self.port))

    def start(self, *args: str, env: dict | None = None) -> subprocess.Popen:
        log = open(self.folder / f"dask-{len(self.processes)}.log", "w")
        process = subprocess.Popen([str(DASK), *args, "--no-dashboard"], stdout=log,
                                   stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        self.processes.append(process)
        return process

    def worker(self, env: dict | None = None) -> subprocess.Popen:
        return self.start("worker", self.address, "--nthreads", "1", "--no-nanny", env=env)

    def wait_for_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=60) as client:
            client.wait_for_workers(count, timeout=120)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()

    def logs(self) -> str:
        return "\n".join(path.read_text() for path in sorted(self.folder.glob("dask-*.log")))


@pytest.fixture
def cluster(tmp_path):
    started = Cluster(tmp_path)
    yield started
    started.stop()


def test_the_catalogue_through_a_dask_scheduler(titles, cluster, tmp_path):
    cluster.worker()
    cluster.worker()
    cluster.wait_for_workers(2)
    out = tmp_path / "out"
    result = run("--catalogue", str(titles), "--out", str(out), "--scheduler", cluster.address,
                 "--json")
    assert result.returncode == 2, result.stderr + cluster.logs()
    report = json.loads(result.stdout)
    assert report["scheduler"] == cluster.address and report["workers"] is None
    codes = {title["slug"]: title["exit_code"] for title in report["titles"]}
    assert codes == {SAMPLE_SLUG: 0, "part-v": 0, "broken": 2}
    for slug in (SAMPLE_SLUG, "part-v"):
        built_well(out, slug)
    assert "broken/manuscript/publication.yaml:3: " in result.stderr
    assert len(separations(out)) == len(set(separations(out)))


def children(pid: int) -> list[int]:
    import psutil  # with Dask

    try:
        return [child.pid for child in psutil.Process(pid).children()]
    except psutil.NoSuchProcess:
        return []


def state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def wait_until(condition, what: str, seconds: float = 300) -> None:
    """Poll ``condition`` (a generous bound, for slow machines: not a measurement)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"still waiting: {what}"
        time.sleep(0.2)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and PR_SET_PDEATHSIG")
def test_a_worker_killed_mid_title_gets_the_title_built_elsewhere(cluster, tmp_path):
    # The first worker's builds stop themselves (SIGSTOP) while writing the EPUB: the screen PDF
    # is in place, the press files are being made. Then that worker is killed.
    first = cluster.worker(env={"PRESSROOM_STOP_AT": "epub writing:SIGSTOP"})
    cluster.wait_for_workers(1)
    out = tmp_path / "out"
    command = subprocess.Popen([*COMMAND, "--source", str(REPOSITORY), "--source",
                                str(PUBLICATIONS / "ar"), "--out", str(out), "--scheduler",
                                cluster.address, "--json"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        def stopped_build() -> int | None:
            return next((pid for pid in children(first.pid) if state(pid) == "T"), None)

        wait_until(lambda: stopped_build() is not None,
                   "a build on the first worker stopped at 'epub writing'")
        stopped = stopped_build()
        cluster.worker()
        first.kill()  # as the kernel's OOM killer or a power cut would
        first.wait()
        os.kill(stopped, signal.SIGCONT)  # it now sees the SIGTERM its parent's death sent
        wait_until(lambda: state(stopped) in ("gone", "Z"), "the orphaned build to stop")
        stdout, stderr = command.communicate(timeout=900)
    finally:
        if command.poll() is None:
            command.kill()
    assert command.returncode == 0, stderr + cluster.logs()
    report = json.loads(stdout)
    assert all(title["exit_code"] == 0 for title in report["titles"]), report
    built_well(out, SAMPLE_SLUG)
    ar = next(title["slug"] for title in report["titles"] if title["slug"] != SAMPLE_SLUG)
    built_well(out, ar)


def test_a_scheduler_out_of_reach_is_one_clear_line(titles, tmp_path):
    result = run("--catalogue", str(titles), "--out", str(tmp_path / "out"), "--scheduler",
                 f"tcp://127.0.0.1:{free_port()}")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: cannot reach the Dask scheduler at tcp://127.0.0.1:")
    assert "dask scheduler" in lines[0]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    bad = run("--catalogue", str(titles), "--scheduler", "127.0.0.1:8786")
    assert bad.returncode == 2 and "tcp://HOST:PORT" in bad.stderr


def test_workers_without_a_catalogue_is_refused(tmp_path):
    result = run("--source", str(PUBLICATIONS / "ar"), "--workers", "2")
    assert result.returncode == 2
    assert "--catalogue FILE" in result.stderr
