"""``publish.py serve`` as a designer uses it: a copy of the sample is served, its proof page is
open in headless Chromium (tests/reader/proof_page.mjs keeps one tab open and answers
questions about it), and the same tab follows edits of the source by itself: a new paragraph
appears, a broken publication.yaml shows its error line over the last good pages, and the
repair brings the pages back. Only the proof is served, on 127.0.0.1, and Ctrl-C or SIGTERM
stops the server without a traceback."""

from __future__ import annotations

import io
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from pressroom.build import load_publication
from pressroom.manuscript import plain_text

from ..conftest import REPOSITORY

SCRIPT = REPOSITORY / "tests" / "reader" / "proof_page.mjs"
CHROMIUM = Path(os.environ.get("PRESSROOM_CHROMIUM", "/usr/bin/chromium"))
PUPPETEER = REPOSITORY / "node_modules" / "puppeteer-core" / "package.json"
SERVING = re.compile(r"serving (http://127\.0\.0\.1:(\d+)/) \(Ctrl-C to stop\)")
BUILT = re.compile(r"\d\d:\d\d:\d\d build (\d+) (ok|failed) in \d+\.\d s, \d+ (warning|error)s?")
START_TIMEOUT = 120.0
REBUILD_TIMEOUT = 90.0
PHRASE = "Zanzibar marmalade festival"


def _missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM}"
    if not PUPPETEER.exists():
        return "node_modules/puppeteer-core is missing"
    return None


class Lines:
    """The lines of a text stream, read by a thread: all so far, and a queue of new ones."""

    def __init__(self, stream):
        self.all: list[str] = []
        self.new: queue.Queue = queue.Queue()
        self.reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.reader.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.all.append(line.rstrip("\n"))
            self.new.put(line.rstrip("\n"))
        self.new.put(None)  # end of stream

    def next(self, timeout: float) -> str:
        line = self.new.get(timeout=timeout)
        if line is None:
            raise EOFError("the stream ended")
        return line


class Server:
    """``publish.py serve --port 0`` in a subprocess."""

    def __init__(self, source: Path, out: Path, *options: str):
        self.process = subprocess.Popen(
            [sys.executable, str(REPOSITORY / "publish.py"), "serve", "--source", str(source),
             "--out", str(out), "--port", "0", *options],
            cwd=REPOSITORY, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.stdout, self.stderr = Lines(self.process.stdout), Lines(self.process.stderr)
        self.url = self._wait_until_serving()

    def _wait_until_serving(self) -> str:
        try:
            while not (match := SERVING.fullmatch(self.stdout.next(START_TIMEOUT))):
                pass
        except (queue.Empty, EOFError):
            self.stop(signal.SIGKILL)
            pytest.fail(f"publish.py serve did not start: {self.stderr.all[-5:]}", pytrace=False)
        return match[1]

    def get(self, path: str, method: str = "GET", host: str | None = None):
        """(status, content type, body) of a request to the server."""
        request = urllib.request.Request(self.url.rstrip("/") + path, method=method)
        if host:
            request.add_header("Host", host)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers["Content-Type"], response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers["Content-Type"], error.read()

    def stop(self, signum: int = signal.SIGTERM) -> int:
        """Send ``signum`` and wait for the exit code (and the last lines of output)."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            code = self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        for lines in (self.stdout, self.stderr):
            lines.reader.join(timeout=5)
        return code


class Tab:
    """One Chromium tab on the proof page, driven through proof_page.mjs."""

    def __init__(self, url: str):
        self.process = subprocess.Popen(["node", str(SCRIPT), url], cwd=REPOSITORY,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        self.answers, self.stderr = Lines(self.process.stdout), Lines(self.process.stderr)
        self.opened = self._answer(60)

    def ask(self, op: str, seconds: float = 30, **arguments) -> dict:
        """Send a command; its answer, waited for ``seconds`` at most."""
        self.process.stdin.write(json.dumps({"op": op, **arguments}) + "\n")
        self.process.stdin.flush()
        return self._answer(seconds)

    def wait(self, text: str, absent: bool = False) -> dict:
        """The page's state once its text holds ``text`` (or no longer does)."""
        answer = self.ask("wait", REBUILD_TIMEOUT + 10, text=text, absent=absent,
                          timeout=int(REBUILD_TIMEOUT * 1000))
        assert answer["ok"], f"{'still' if absent else 'never'} shown: {text!r}: {answer}"
        return answer["state"]

    def _answer(self, timeout: float) -> dict:
        try:
            return json.loads(self.answers.next(timeout))
        except (queue.Empty, EOFError):
            pytest.fail(f"proof_page.mjs did not answer: {self.stderr.all[-5:]}", pytrace=False)

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """A copy of the sample's source, and an output folder: (source, out)."""
    source = tmp_path_factory.mktemp("serve-source")
    for folder in ("manuscript", "images"):
        shutil.copytree(REPOSITORY / folder, source / folder)
    return source, tmp_path_factory.mktemp("serve-out")


@pytest.fixture(scope="module")
def server(folders):
    """The copy served; stopped at the end of the module, whatever happens."""
    server = Server(*folders)
    try:
        yield server
    finally:
        server.stop(signal.SIGKILL if server.process.poll() is None else signal.SIGTERM)


@pytest.fixture
def tab(server):
    why = _missing()
    if why:
        if os.environ.get("PRESSROOM_REQUIRE_TOOLS"):
            pytest.fail(f"{why} (PRESSROOM_REQUIRE_TOOLS is set: CI must run the real check)")
        pytest.skip(f"{why}: run scripts/setup.sh to install the browser check")
    tab = Tab(server.url)
    try:
        yield tab
    finally:
        tab.close()


@pytest.fixture(scope="module")
def publication():
    return load_publication(REPOSITORY)[0]


def a_phrase(section) -> str:
    """Five plain words in a row from the section's first paragraph that has them."""
    for token in section.tokens:
        if token.type == "inline" and token.children:
            words = plain_text(token.children).split()
            for start in range(len(words) - 4):
                if all(re.fullmatch(r"[A-Za-z]+", word) for word in words[start:start + 5]):
                    return " ".join(words[start:start + 5])
    raise AssertionError(f"{section.file_name}: no five plain words in a row")


def builds(server: Server) -> list[tuple[int, str]]:
    """(number, "ok" or "failed") of each build the server reported on stdout."""
    return [(int(match[1]), match[2]) for line in server.stdout.all
            if (match := BUILT.fullmatch(line))]


def assert_pages_loaded(tab: Tab, build: int) -> list[dict]:
    """Every page image of the tab is of ``build`` and loaded; the images."""
    images = tab.ask("images", 60)["images"]
    assert len(images) >= 4, images
    for image in images:
        assert image["src"].startswith(f"/pages/{build}/"), image
        assert image["naturalWidth"] > 0 and abs(image["naturalHeight"] - 700) <= 1, image
    return images


def test_only_the_proof_is_served_on_127_0_0_1(server, publication):
    assert SERVING.fullmatch(server.stdout.all[-1]), server.stdout.all
    assert builds(server) == [(1, "ok")]
    status, kind, body = server.get("/")
    assert status == 200 and kind == "text/html; charset=utf-8"
    assert publication.settings.title.replace("'", "&#39;") in body.decode()
    status, kind, body = server.get("/status.json")
    assert status == 200 and kind == "application/json"
    assert json.loads(body) | {"time": None} == {"build": 1, "ok": True, "time": None,
                                                 "building": False}
    pages = re.findall(r'src="/pages/1/(\d+)\.png"', server.get("/")[2].decode())
    assert pages == [str(index) for index in range(len(pages))] and len(pages) >= 4
    status, kind, body = server.get("/pages/1/0.png")
    assert status == 200 and kind == "image/png"
    with Image.open(io.BytesIO(body)) as image:
        assert image.format == "PNG" and abs(image.height - 700) <= 1 and 400 < image.width < 600
    for path in (f"/pages/1/{len(pages)}.png", "/pages/2/0.png", "/pages/0/0.png",
                 "/manuscript/publication.yaml", "/../manuscript/publication.yaml",
                 "/%2e%2e/manuscript/publication.yaml", "/.cache/serve/1/screen.pdf",
                 "/people-to-people-diplomacy-enterprises.pdf", "/pages/", "/index.html"):
        assert server.get(path)[0] == 404, path
    for method in ("POST", "PUT", "DELETE", "HEAD"):
        assert server.get("/", method=method)[0] == 404, method
    assert server.get("/", host="proof.example.com")[0] == 404  # DNS rebinding


def test_the_same_tab_shows_an_edit_by_itself(server, tab, folders, publication):
    shown = tab.opened["state"]
    assert shown["heading"] == publication.settings.title
    assert shown["status"].startswith("Build 1 ·") and " ok" in shown["status"]
    body = next(section for section in publication.sections if section.kind == "body")
    assert a_phrase(body) in shown["text"]
    assert tab.ask("find", text=a_phrase(body))["found"]  # Ctrl-F finds the pages' text
    assert_pages_loaded(tab, shown["build"])

    section = folders[0] / "manuscript" / body.file_name
    section.write_text(section.read_text(encoding="utf-8")
                       + f"\nLast came the {PHRASE}, with music until dawn.\n", encoding="utf-8")
    edited = tab.wait(PHRASE)
    assert edited["sameDocument"], "the page was reloaded or replaced, not updated in place"
    assert edited["build"] > shown["build"] and " ok" in edited["status"]
    assert tab.ask("find", text=PHRASE)["found"]
    assert_pages_loaded(tab, edited["build"])
    assert builds(server)[-1] == (edited["build"], "ok")
    assert tab.ask("state")["errors"] == []


def test_a_source_error_shows_over_the_last_good_pages_until_it_is_fixed(server, tab, folders):
    shown = tab.opened["state"]
    assert_pages_loaded(tab, shown["build"])
    settings = folders[0] / "manuscript" / "publication.yaml"
    good = settings.read_text(encoding="utf-8")
    settings.write_text(good + "subtitle: [never closed\n", encoding="utf-8")
    broken = tab.wait("invalid YAML")
    assert len(broken["errorLines"]) == 1
    assert re.fullmatch(r"error: \S*publication\.yaml:\d+: invalid YAML: .+",
                        broken["errorLines"][0]), broken["errorLines"]
    assert broken["errorLines"][0] in server.stderr.all  # as the terminal shows it
    assert " failed" in broken["status"] and broken["sameDocument"]
    assert f"showing the pages of build {shown['build']}" in broken["text"]
    assert_pages_loaded(tab, shown["build"])  # the last good pages stay

    settings.write_text(good, encoding="utf-8")
    fixed = tab.wait("invalid YAML", absent=True)
    assert " ok" in fixed["status"] and fixed["errorLines"] == [] and fixed["sameDocument"]
    assert fixed["build"] == broken["build"] + 1
    assert_pages_loaded(tab, fixed["build"])
    assert builds(server)[-2:] == [(broken["build"], "failed"), (fixed["build"], "ok")]
    assert tab.ask("state")["errors"] == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_stop_signal_ends_the_server_cleanly(server, folders, signum):
    running = server if server.process.poll() is None else Server(*folders)
    try:
        assert running.stop(signum) == 0
    finally:
        running.stop(signal.SIGKILL)
    assert running.stdout.all[-1] == "stopped"
    assert not any("Traceback" in line for line in running.stderr.all), running.stderr.all
    assert not (folders[1] / ".cache" / "serve").exists()


def test_the_web_edition_is_served_beside_the_proof(folders, tmp_path):
    """``serve --target web``: the proof page links the web edition, served under /web/ from
    the output folder, and nothing outside that folder."""
    server = Server(folders[0], tmp_path / "out", "--target", "web")
    try:
        assert builds(server) == [(1, "ok")]
        assert 'href="/web/"' in server.get("/")[2].decode()
        status, kind, body = server.get("/web/")
        assert status == 200 and kind == "text/html; charset=utf-8"
        index = body.decode()
        assert index == (tmp_path / "out" / "web" / "index.html").read_text(encoding="utf-8")
        for link in re.findall(r'(?:href|src)="([^"#:]+\.(?:html|css|jpg|png|woff2))"', index):
            status, kind, _ = server.get(f"/web/{link}")
            assert status == 200, link
        assert server.get("/web/web.css")[1] == "text/css; charset=utf-8"
        for path in ("/web/../manuscript/publication.yaml", "/web/%2e%2e/out/.cache/build.json",
                     "/web/.pressroom-web", "/web//etc/passwd", "/web/missing.html"):
            assert server.get(path)[0] == 404, path
    finally:
        server.stop()
