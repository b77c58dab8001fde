"""``publish.py serve``: a live proof for designers.

The publication is built once, then again whenever a file of its manuscript, images or layouts
changes. A small web server on 127.0.0.1 shows the last build's status, warnings and errors,
and the pages of the screen PDF as reader spreads; the page polls ``/status.json`` and swaps in
the new build by itself. A failed build keeps the last good pages on screen. With
``--target web`` (or ``all``), the web edition is served under ``/web/`` too.

Pages are rendered to PNG on first request, once per build, by a separate process: PDFium is
not thread-safe, and the build renders its proof sheet with it in this process. Each good
build's PDF is hard-linked into ``OUT/.cache/serve/<build>/`` beside its PNGs, so a later
build replacing the PDF never mixes pages of two builds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import queue
import re
import shutil
import signal
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from .build import build
from .diagnostics import LOGGER, SourceError, display_path, stopped
from .paths import BUILTIN_LAYOUTS as BUILTIN, DEFAULT_SOURCE
from .targets import REGISTRY

HOST = "127.0.0.1"  # never another interface: the proof is for the designer's own browser
PAGE_HEIGHT = 700  # pixels of a rendered page
POLL_MS = 500  # how often the page asks for the build status
RENDER_TIMEOUT = 60.0  # seconds a request waits for its page to be rendered
PAGE_URL = re.compile(r"/pages/(0|[1-9][0-9]{0,8})/(0|[1-9][0-9]{0,8})\.png")
#: A file of the web edition (OUT/web/), as the server answers for it under /web/.
WEB_URL = re.compile(r"/web/((?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*)?")
#: Files that never cause a rebuild, besides watchfiles' defaults (editor swap and backup files):
#: hidden files (editor locks, atomic-save temporaries) and vim's write test "4913".
IGNORED_NAMES = (r"^\.", r"^4913$", r"\.te?mp$")


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register the ``serve`` command with the CLI's subcommands."""
    command = commands.add_parser(
        "serve", help="build, then rebuild on every change and show the pages in a browser",
        description="Build the publication, then watch SOURCE/manuscript, SOURCE/images and "
                    "the layouts and rebuild on every change. The pages of the screen PDF, the "
                    "build status, warnings and errors are shown at http://127.0.0.1:PORT/, "
                    "which follows each rebuild by itself. Ctrl-C stops.")
    command.add_argument("--source", type=Path, default=DEFAULT_SOURCE, metavar="DIR",
                         help="publication folder holding manuscript/ and images/ "
                              "(default: the sample in a checkout of Pressroom, else the "
                              "current folder)")
    command.add_argument("--out", type=Path, default=None, metavar="DIR",
                         help="where outputs go (default: output/ in the source folder)")
    command.add_argument("--port", type=int, default=8000, metavar="N",
                         help="the port on 127.0.0.1 to serve on (default 8000; 0: any free port)")
    command.add_argument("--target", choices=(*REGISTRY, "all"), default="pdf",
                         help="what each rebuild makes besides the screen PDF whose pages are "
                              "shown (default: pdf alone): one of the build's targets, or all; "
                              "the web edition (web) is served at /web/")
    command.add_argument("-q", "--quiet", action="store_true", help="print errors only")


@dataclass(frozen=True)
class Build:
    """How one build ended; ``warnings`` and ``errors`` are lines as the CLI prints them."""

    number: int
    ok: bool
    finished: dt.datetime
    seconds: float
    warnings: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    """A page of the screen PDF: its size in pixels once rendered, and its text."""

    width: int
    height: int
    text: str


@dataclass(frozen=True)
class Pages:
    """The screen PDF of a good build, linked into its own cache folder with its PNGs."""

    build: int
    folder: Path
    title: str
    pages: tuple[Page, ...]

    @property
    def pdf(self) -> Path:
        return self.folder / "screen.pdf"

    def png(self, index: int) -> Path:
        return self.folder / f"{index}.png"


class Proof:
    """What the server shows, updated by the builds (main thread), read by the requests
    (server threads)."""

    def __init__(self, source: Path, out: Path, targets: tuple[str, ...],
                 renderer: ProcessPoolExecutor):
        self.source, self.out, self.targets, self.renderer = source, out, targets, renderer
        self.cache = out / ".cache" / "serve"
        self.lock = threading.Lock()
        self.last: Build | None = None
        self.pages: Pages | None = None
        self.building = False
        self._renders: dict[int, Future] = {}  # page index -> its PNG, for self.pages

    def rebuild(self) -> Build:
        """Build the publication and show the result: its pages when it succeeded."""
        number = self.last.number + 1 if self.last else 1
        with self.lock:
            self.building = True
        started = time.monotonic()
        pages, warnings, errors = None, [], []
        try:
            report = build(self.source, self.out, self.targets)
            warnings = [f"warning: {warning}" for warning in report.warnings]
            warnings += [f"error: {error}" for error in report.preflight_errors]
            pages = self._snapshot(number, next(path for path in report.outputs
                                                if path.suffix == ".pdf" and path.parent == self.out))
        except SourceError as error:
            errors = [f"error: {problem}" for problem in error.problems]
        except OSError as error:  # e.g. the output folder is not writable or the disk is full
            where = f"{display_path(Path(error.filename))}: " if error.filename else ""
            errors = [f"error: {where}{error.strerror or error}"]
        except Exception as error:  # a fault in a layout or in Pressroom: the server carries on
            LOGGER.exception("the build failed")
            errors = [f"error: {type(error).__name__}: {error}"]
        finished = Build(number, not errors, dt.datetime.now().astimezone(),
                         time.monotonic() - started, tuple(warnings), tuple(errors))
        self._show(finished, pages)
        return finished

    def _snapshot(self, number: int, pdf: Path) -> Pages:
        """Link a good build's screen PDF into its cache folder and read its pages."""
        folder = self.cache / str(number)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            os.link(pdf, folder / "screen.pdf")
        except OSError:  # a file system without hard links
            shutil.copy2(pdf, folder / "screen.pdf")
        title, pages = read_pages(folder / "screen.pdf", PAGE_HEIGHT)
        return Pages(number, folder, title or self.source.name, pages)

    def _show(self, finished: Build, pages: Pages | None) -> None:
        """Make a finished build (and its pages, when good) what the server shows."""
        with self.lock:
            self.last, self.building = finished, False
            if pages is None:
                return
            old, self.pages = self.pages, pages
            for future in self._renders.values():
                future.cancel()
            self._renders = {}
        if old is not None:
            shutil.rmtree(old.folder, ignore_errors=True)

    def status(self) -> dict:
        """What ``/status.json`` answers: the last build's number, outcome and time."""
        with self.lock:
            last, building = self.last, self.building
        return {"build": last.number if last else 0, "ok": last.ok if last else None,
                "time": last.finished.isoformat(timespec="seconds") if last else None,
                "building": building}

    def png(self, build: int, index: int) -> bytes | None:
        """Page ``index`` of ``build`` as PNG, rendered on first request; None when ``build``
        is not the one shown (any more) or has no such page."""
        with self.lock:
            pages = self.pages
            if pages is None or pages.build != build or not 0 <= index < len(pages.pages):
                return None
            future = self._renders.get(index)
            if future is None:
                future = self._renders[index] = self.renderer.submit(
                    render_png, pages.pdf, index, pages.pages[index].width, pages.png(index))
        try:
            future.result(timeout=RENDER_TIMEOUT)
            return pages.png(index).read_bytes()
        except Exception:  # noqa: BLE001 - cancelled, or its build replaced meanwhile: a 404
            return None

    def web(self, name: str) -> tuple[bytes, str] | None:
        """A file of the last web edition built (``OUT/web/``): its bytes and media type; None
        when there is none, or ``name`` leads anywhere else."""
        import mimetypes

        folder = (self.out / "web").resolve()
        path = (folder / (name or "index.html")).resolve()
        if not path.is_relative_to(folder) or not path.is_file():
            return None
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind.endswith(("+xml", "/javascript")):
            kind += "; charset=utf-8"
        return path.read_bytes(), kind

    def html(self) -> str:
        """The proof page."""
        with self.lock:
            last, pages, building = self.last, self.pages, self.building
        from .proof import spreads

        return template().render(
            title=pages.title if pages else self.source.name, last=last, pages=pages,
            building=building, rows=spreads(len(pages.pages)) if pages else [],
            column=max((page.width for page in pages.pages), default=0) if pages else 0,
            poll_ms=POLL_MS, web=(self.out / "web" / "index.html").is_file())


def read_pages(pdf: Path, height: int) -> tuple[str, tuple[Page, ...]]:
    """A PDF's title (from its metadata) and its pages, sized for rendering ``height`` pixels
    high, with their text."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            width, page_height = page.get_size()
            pages.append(Page(round(width * height / page_height), height,
                              searchable(textpage.get_text_range())))
            textpage.close()
            page.close()
        return document.get_metadata_dict().get("Title", ""), tuple(pages)
    finally:
        document.close()


def searchable(text: str) -> str:
    """PDFium's text of a page as one line a browser's find can match: words WeasyPrint
    hyphenated at a line end (U+2010) joined again, a hyphen PDFium marks at a line end
    (U+FFFE) kept, lines joined with spaces."""
    text = re.sub(r"\u2010\r?\n", "", text).replace("\ufffe", "-")
    return " ".join(text.split())


def render_png(pdf: Path, index: int, width: int, png: Path) -> None:
    """Render one page as a PNG file (in the renderer process)."""
    from .proof import render_page

    image = render_page(pdf, index, width)
    part = png.with_name(f".{png.name}.part")
    image.save(part, "PNG", compress_level=1)
    os.replace(part, png)


def _ignore_stop_signals() -> None:
    """The renderer process leaves stopping to the server (Ctrl-C reaches both)."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)


class ProofServer(ThreadingHTTPServer):
    """The HTTP server of a :class:`Proof`, on 127.0.0.1 only."""

    daemon_threads = True

    def __init__(self, port: int, proof: Proof):
        self.proof = proof
        super().__init__((HOST, port), ProofRequest)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_port}/"


class ProofRequest(BaseHTTPRequestHandler):
    """GET of ``/``, ``/status.json``, ``/pages/<build>/<index>.png`` and the web edition's
    files under ``/web/``; anything else is 404."""

    server: ProofServer

    def do_GET(self) -> None:
        proof, path = self.server.proof, urlsplit(self.path).path
        if not self._local_host():
            self._send(404, "text/plain; charset=utf-8", b"not found\n")
        elif path == "/":
            self._send(200, "text/html; charset=utf-8", proof.html().encode("utf-8"))
        elif path == "/status.json":
            self._send(200, "application/json", json.dumps(proof.status()).encode("ascii"))
        elif (match := PAGE_URL.fullmatch(path)) and \
                (png := proof.png(int(match[1]), int(match[2]))) is not None:
            self._send(200, "image/png", png)
        elif (match := WEB_URL.fullmatch(path)) and (found := proof.web(match[1])) is not None:
            self._send(200, found[1], found[0])
        else:
            self._send(404, "text/plain; charset=utf-8", b"not found\n")

    def __getattr__(self, name: str):
        """Every other method (``do_POST``, ``do_HEAD``...) answers 404 as well."""
        if name.startswith("do_"):
            return lambda: self._send(404, "text/plain; charset=utf-8", b"not found\n")
        raise AttributeError(name)

    def _local_host(self) -> bool:
        """The request names this server as 127.0.0.1 or localhost (no DNS rebinding)."""
        host = self.headers.get("Host")
        port = self.server.server_port
        return host is None or host in (f"{HOST}:{port}", f"localhost:{port}")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        """Requests are not logged: the terminal shows the builds."""


def run(args: argparse.Namespace) -> int:
    """``publish.py serve``: build, serve, rebuild on changes until Ctrl-C or SIGTERM."""
    import multiprocessing

    from .cli import publication_folder
    from .interrupt import interruptible

    source = args.source.resolve()
    try:
        publication_folder(source)  # not a folder to watch (e.g. the default, installed)
    except SourceError as error:
        return stopped(error, "")
    out = (args.out or source / "output").resolve()
    targets = (args.target, "pdf")
    renderer = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_ignore_stop_signals)
    proof = Proof(source, out, targets, renderer)
    shutil.rmtree(proof.cache, ignore_errors=True)  # pages of an earlier session
    try:
        server = ProofServer(args.port, proof)
    except OSError as error:
        renderer.shutdown()
        print(f"error: cannot serve on {HOST}:{args.port}: {error.strerror or error}",
              file=sys.stderr)
        return 2
    threading.Thread(target=server.serve_forever, name="proof-server", daemon=True).start()
    stop = threading.Event()
    try:
        with interruptible():  # SIGTERM and SIGHUP stop like Ctrl-C, between or within builds
            try:
                serve(proof, server, stop)
            finally:
                stop.set()
                server.shutdown()
                server.server_close()
                renderer.shutdown(cancel_futures=True)
                shutil.rmtree(proof.cache, ignore_errors=True)
    except KeyboardInterrupt:
        print("stopped", flush=True)
    return 0


def serve(proof: Proof, server: ProofServer, stop: threading.Event) -> None:
    """Build once, announce the server, then rebuild after each batch of changes (forever)."""
    changes: queue.Queue = queue.Queue()
    threading.Thread(target=watch, args=(watched(proof.source), proof.out, changes, stop),
                     name="proof-watcher", daemon=True).start()
    announce(proof.rebuild())
    print(f"serving {server.url} (Ctrl-C to stop)", flush=True)
    while True:
        changes.get()
        while not changes.empty():  # one rebuild for everything changed during the last one
            changes.get()
        announce(proof.rebuild())


def watched(source: Path) -> list[Path]:
    """The folders whose files a build reads: the manuscript, the images, the source's own
    layouts and the built-in ones (whichever layout publication.yaml names, or will name)."""
    folders = [source / "manuscript", source / "images", source / "layouts", BUILTIN]
    return [folder for folder in dict.fromkeys(folders) if folder.is_dir()]


def watch(folders: list[Path], out: Path, changes: queue.Queue, stop: threading.Event) -> None:
    """Put each batch of changed files in ``folders`` (those in ``out`` and editors'
    temporary files left out) on ``changes`` until ``stop`` is set."""
    import watchfiles

    inside_out = any(folder.is_relative_to(out) for folder in folders)  # e.g. --out SOURCE
    ignore = watchfiles.DefaultFilter(
        ignore_entity_patterns=(*watchfiles.DefaultFilter.ignore_entity_patterns, *IGNORED_NAMES),
        ignore_paths=() if inside_out else (out,))
    for batch in watchfiles.watch(*folders, watch_filter=ignore, stop_event=stop,
                                  raise_interrupt=False):
        changes.put(batch)


def announce(finished: Build) -> None:
    """One line on stdout for a build; its warnings and errors on stderr, as the CLI prints."""
    for line in (*finished.warnings, *finished.errors):
        print(line, file=sys.stderr)
    count = (len(finished.warnings), "warning") if finished.ok else (len(finished.errors), "error")
    print(f"{finished.finished:%H:%M:%S} build {finished.number} "
          f"{'ok' if finished.ok else 'failed'} in {finished.seconds:.1f} s, "
          f"{count[0]} {count[1]}{'s' * (count[0] != 1)}", flush=True)


@functools.cache
def template():
    """The proof page's template (made on first use: ``publish.py build`` imports this module
    for its command line only)."""
    import jinja2

    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
        TEMPLATE)


TEMPLATE = """\
<!DOCTYPE html>
<html lang="en"{% if building %} class="building"{% endif %}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · proof</title>
<link rel="icon" href="data:,">
<style>
html { background: #6f6f6f; color: #f4f4f4; font: 15px/1.45 system-ui, sans-serif; }
body { margin: 0; }
header { position: sticky; top: 0; z-index: 1; padding: 10px 24px; background: #474747;
         box-shadow: 0 1px 6px rgba(0, 0, 0, .35); }
h1 { margin: 0; font-size: 1.15rem; font-weight: 600; }
.status { margin: 2px 0 0; color: #d8d8d8; }
.status strong.ok { color: #a6e3a1; }
.status strong.failed { color: #ffb4a9; }
.building-note, .offline-note { display: none; margin-left: .6em; color: #ffe08a; }
.building .building-note, .offline .offline-note { display: inline; }
.messages { max-width: 1100px; margin: 16px auto 0; padding: 0 24px; }
.messages ul { margin: 6px 0 0; padding: 8px 12px; list-style: none; max-height: 40vh;
               overflow: auto; border-radius: 4px; background: #3d3d3d;
               font: 13px/1.5 ui-monospace, monospace; }
.messages li { white-space: pre-wrap; overflow-wrap: anywhere; }
.errors ul { background: #5a2f2b; }
.messages summary { cursor: pointer; }
.spreads { display: flex; flex-wrap: wrap; justify-content: center; gap: 40px 56px;
           padding: 32px 16px 64px; }
.spread { display: grid; grid-template-columns: 1fr 1fr; column-gap: 2px;
          flex: 0 1 calc(2 * var(--page) + 2px); max-width: 100%; }
.page { position: relative; margin: 0; }
.page img { display: block; width: 100%; height: auto; background: #fff;
            box-shadow: 0 1px 3px rgba(0, 0, 0, .3), 0 8px 20px rgba(0, 0, 0, .3); }
.page figcaption { margin-top: 8px; font-size: 12px; color: #e4e4e4; }
.left figcaption { text-align: left; }
.right figcaption { text-align: right; }
.text { position: absolute; top: 0; left: 0; width: 1px; height: 1px; overflow: hidden;
        clip-path: inset(50%); white-space: nowrap; }
.empty { padding: 48px 24px; text-align: center; color: #e4e4e4; }
.status a { color: inherit; }
</style>
</head>
<body>
<main id="proof" data-build="{{ last.number if last else 0 }}">
<header>
<h1>{{ title }}</h1>
<p class="status">
{%- if last %}Build {{ last.number }} · {{ last.finished.strftime("%H:%M:%S") }} ·
 {{ "%.1f"|format(last.seconds) }} s · <strong class="{{ 'ok' if last.ok else 'failed' }}">
{{- "ok" if last.ok else "failed" }}</strong>
{%- else %}First build running{% endif -%}
<span class="building-note">rebuilding…</span><span class="offline-note">server stopped</span>
{%- if web %} · <a href="/web/">the web edition</a>{% endif %}</p>
</header>
{% if last and last.errors %}
<section class="messages errors">
<strong>{{ last.errors|length }} error{{ "s" if last.errors|length != 1 }}</strong>
{%- if pages %}; showing the pages of build {{ pages.build }}, the last that succeeded{% endif %}
<ul>{% for line in last.errors %}<li>{{ line }}</li>{% endfor %}</ul>
</section>
{% endif %}
{% if last and last.warnings %}
<details class="messages warnings" open>
<summary>{{ last.warnings|length }} warning{{ "s" if last.warnings|length != 1 }}</summary>
<ul>{% for line in last.warnings %}<li>{{ line }}</li>{% endfor %}</ul>
</details>
{% endif %}
{% if pages %}
<section class="spreads" style="--page: {{ column }}px">
{% for row in rows %}
<div class="spread">
{% for index in row %}
{% if index is none %}
<div class="blank"></div>
{% else %}
{% set page = pages.pages[index] %}
<figure class="page {{ 'left' if loop.first else 'right' }}">
<img src="/pages/{{ pages.build }}/{{ index }}.png" width="{{ page.width }}"
 height="{{ page.height }}" alt="Page {{ index + 1 }}" loading="lazy" decoding="async">
<div class="text">{{ page.text }}</div>
<figcaption>{{ index + 1 }}</figcaption>
</figure>
{% endif %}
{% endfor %}
</div>
{% endfor %}
</section>
{% elif last %}
<p class="empty">No pages yet: fix the errors above and save.</p>
{% endif %}
</main>
<script>
"use strict";
(() => {
  const root = document.documentElement;
  let shown = Number(document.getElementById("proof").dataset.build);
  async function refresh() {  // swap in the new build's content: no reload, scroll kept
    const response = await fetch("/", { cache: "no-store" });
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const proof = document.adoptNode(fresh.getElementById("proof"));
    document.getElementById("proof").replaceWith(proof);
    document.title = fresh.title;
    shown = Number(proof.dataset.build);
  }
  async function poll() {
    try {
      const status = await (await fetch("/status.json", { cache: "no-store" })).json();
      root.classList.remove("offline");
      root.classList.toggle("building", status.building);
      if (status.build !== shown) await refresh();
    } catch (error) {
      root.classList.add("offline");
    }
    setTimeout(poll, {{ poll_ms }});
  }
  setTimeout(poll, {{ poll_ms }});
})();
</script>
</body>
</html>
"""
