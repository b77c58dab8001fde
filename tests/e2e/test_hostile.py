"""Hostile input: a manuscript or a layout that tries to read files outside the publication,
to reach the network, or to smuggle scripts into the book.

Every build here runs ``publish.py build`` in-process while an audit hook records each file
Python opens, and while a local HTTP server counts the requests that reach it, so "nothing
is read" and "nothing is fetched" are observed, not assumed.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import threading
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pikepdf
import pypdfium2
import pytest
from PIL import Image

from pressroom.cli import main
from pressroom.ebookcheck import epubcheck
from pressroom.layouts import BUILTIN

SETTINGS = "title: Hostile Ground\nlanguage: en\n"
PROXY_VARIABLES = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy",
                   "ALL_PROXY", "no_proxy", "NO_PROXY")

# ---------- Watching what the build opens ----------

_opened: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    if event == "open" and _opened is not None and isinstance(args[0], (str, bytes, os.PathLike)):
        _opened.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)  # permanent for the process; records only inside opened_files()


@contextlib.contextmanager
def opened_files():
    """The paths Python opens (builtins.open, io.open, os.open) inside the block."""
    global _opened
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None


def read_any(opened: list[str], forbidden: set[Path]) -> list[str]:
    """The opened paths that are (or lead by links to) one of ``forbidden``."""
    found = []
    for name in opened:
        try:
            real = Path(name).resolve()
        except (OSError, RuntimeError):
            continue
        if real in forbidden or Path(name) in forbidden:
            found.append(name)
    return found


# ---------- A publication, a server, a build ----------

def photo(path: Path, size=(2400, 1600)) -> Path:
    """A photo-like JPEG, large enough for the press preflight."""
    gradient = Image.linear_gradient("L").resize(size)
    Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
                        Image.new("L", size, 90))).save(path, quality=80)
    return path


@pytest.fixture
def pub(tmp_path) -> Path:
    """A minimal valid publication: settings, one section (written by each test), a photo."""
    source = tmp_path / "source"
    (source / "manuscript").mkdir(parents=True)
    (source / "images").mkdir()
    (source / "manuscript" / "publication.yaml").write_text(SETTINGS, encoding="utf-8")
    photo(source / "images" / "boats.jpg")
    return source


def section(source: Path, body: str) -> None:
    (source / "manuscript" / "01-x.md").write_text(f"# Hostile ground\n\n{body}",
                                                   encoding="utf-8")


def own_layout(source: Path, print_css_before: str = "", print_css_after: str = "",
               **files: str) -> Path:
    """``layouts/brochure/`` in the source: the built-in print.css with rules before and after
    it, and other files (``epub_css="..."`` for epub.css)."""
    folder = source / "layouts" / "brochure"
    folder.mkdir(parents=True, exist_ok=True)
    css = (BUILTIN / "brochure" / "print.css").read_text(encoding="utf-8")
    (folder / "print.css").write_text(print_css_before + css + print_css_after, encoding="utf-8")
    for name, text in files.items():
        (folder / name.replace("_", ".")).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def server(monkeypatch):
    """A local HTTP server that counts every request: ``server.url``, ``server.requests``."""
    for name in PROXY_VARIABLES:  # a proxy would hide a request from this server
        monkeypatch.delenv(name, raising=False)
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(f"{self.command} {self.path}")
            body = b"body { color: red }"
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_HEAD = do_POST = do_GET

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    # the counter works: a request that does arrive is counted
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    assert opener.open(f"{url}/canary", timeout=5).read() == b"body { color: red }"
    assert requests == ["GET /canary"]
    requests.clear()
    yield SimpleNamespace(url=url, requests=requests)
    httpd.shutdown()
    httpd.server_close()


def run(source: Path, target: str = "all") -> tuple[int, list[str]]:
    """``publish.py build`` in-process, from the source folder (so messages name
    ``manuscript/...``): the exit code and the lines printed on stderr."""
    err = io.StringIO()
    cwd = Path.cwd()
    os.chdir(source)
    try:
        with contextlib.redirect_stderr(err):
            code = main(["build", "--source", str(source), "--out", str(source / "output"),
                         "--target", target, "-q"])
    finally:
        os.chdir(cwd)
    return code, err.getvalue().splitlines()


def pdf_text(path: Path) -> str:
    return "\n".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(path))


def pdf_uris(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [str(annot.A.URI) for page in pdf.pages for annot in page.get("/Annots", [])
                if "/A" in annot and "/URI" in annot.A]


# ---------- Image references that lead outside ----------

OUTSIDE_CASES = [
    ("../x.jpg", "is outside images/"),
    ("/etc/passwd", "is outside images/"),
    ("{outside}", "is outside images/"),                 # a real image outside the publication
    ("link.jpg", "is outside images/"),                  # images/link.jpg -> that image
    ("/dev/urandom", "is outside images/"),
    ("{server}/x.png", "is a URL"),
    ("images/../../x.jpg", "is outside images/"),
    ("%2e%2e/%2e%2e/outside.jpg", "is outside images/"),
]


@pytest.mark.parametrize("reference, problem", OUTSIDE_CASES,
                         ids=[case[0] for case in OUTSIDE_CASES])
def test_an_image_outside_the_publication_is_an_error_and_never_read(pub, tmp_path, server,
                                                                     reference, problem):
    outside = photo(tmp_path / "outside.jpg", size=(300, 200))
    inside_but_not_images = photo(pub / "x.jpg", size=(300, 200))
    (pub / "images" / "link.jpg").symlink_to(outside)
    reference = reference.format(outside=outside, server=server.url)
    section(pub, f"Boats come in at dawn.\n\n![A view.]({reference} \"A view\")\n")
    forbidden = {outside, inside_but_not_images, Path("/etc/passwd"), Path("/dev/urandom")}
    with opened_files() as opened:
        code, lines = run(pub)
    assert code == 2, lines
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: manuscript/01-x.md:5: image '{reference}' {problem}")
    assert read_any(opened, forbidden) == []
    assert server.requests == []
    assert not (pub / "output").exists()


def test_a_file_url_image_is_an_error(pub):
    section(pub, "![Hosts.](file:///etc/hosts)\n")
    with opened_files() as opened:
        code, lines = run(pub, target="epub")
    assert code == 2 and lines[0].startswith("error: manuscript/01-x.md:3: image 'file:///etc/hosts' is a URL")
    assert read_any(opened, {Path("/etc/hosts")}) == []


def test_a_file_url_link_is_never_read_nor_linked(pub):
    section(pub, "See [hosts](file:///etc/hosts).\n")
    with opened_files() as opened:
        code, lines = run(pub, target="pdf")
    assert code == 0, lines
    assert read_any(opened, {Path("/etc/hosts")}) == []
    pdf = pub / "output" / "hostile-ground.pdf"
    assert "[hosts](file:///etc/hosts)" in pdf_text(pdf)  # shown as text, not a link
    assert not any(uri.startswith("file:") for uri in pdf_uris(pdf))


# ---------- The publication's own layout ----------

def test_layout_css_reads_nothing_outside_and_fetches_nothing(pub, server):
    section(pub, "Boats come in at dawn. *Fish* are sold at six.\n")
    climb = "../" * 30
    folder = own_layout(
        pub,
        print_css_before=(f"@import url({server.url}/import.css);\n"
                          "@import url(file:///etc/hosts);\n"
                          f"@import url({climb}etc/passwd);\n"),
        print_css_after=(f"\n@font-face {{ font-family: Remote; src: url({server.url}/f.woff); }}\n"
                         "@font-face { font-family: Linked; src: url(fonts/linked.woff); }\n"
                         "h1 { font-family: Remote, Linked, var(--font-display); }\n"
                         "body { background: url(file:///etc/hosts); }\n"
                         "p { background-image: url(/dev/urandom); }\n"
                         f"em {{ background-image: url({server.url}/bg.png); }}\n"
                         "h2 { background-image: url(source-image:0123abcd); }\n"))
    (folder / "fonts").mkdir()
    (folder / "fonts" / "linked.woff").symlink_to("/etc/passwd")
    with opened_files() as opened:
        code, lines = run(pub)
    assert code == 0, lines
    assert read_any(opened, {Path("/etc/passwd"), Path("/etc/hosts"), Path("/dev/urandom")}) == []
    assert server.requests == []
    warnings = "\n".join(lines)
    for refused in (f"refused {server.url}/import.css: a build never uses the network",
                    "refused file:///etc/hosts: only files inside the publication",
                    "refused file:///etc/passwd: only files inside the publication",
                    f"refused {server.url}/f.woff: a build never uses the network",
                    f"refused {(folder / 'fonts' / 'linked.woff').as_uri()} (/etc/passwd): it is "
                    "a link to a file outside the publication",
                    "refused file:///dev/urandom",
                    f"refused {server.url}/bg.png: a build never uses the network",
                    "refused source-image:0123abcd: no image of this publication has that"):
        assert refused in warnings
    assert all(line.startswith("warning: ") for line in lines), lines
    assert (pub / "output" / "hostile-ground.pdf").is_file()
    assert (pub / "output" / "press" / "hostile-ground-press.pdf").is_file()


def test_a_layout_file_overriding_a_built_in_one_may_not_link_outside(pub):
    section(pub, "Boats come in at dawn.\n")
    fonts = pub / "layouts" / "brochure" / "fonts"  # the built-in print.css asks for this font
    fonts.mkdir(parents=True)
    (fonts / "CharisSIL-Regular.ttf").symlink_to("/etc/passwd")
    with opened_files() as opened:
        code, lines = run(pub, target="pdf")
    assert code == 0, lines
    assert read_any(opened, {Path("/etc/passwd")}) == []
    assert any("CharisSIL-Regular.ttf" in line and "it is a link to a file outside the "
               "publication" in line for line in lines), lines


def test_a_layout_stylesheet_that_links_outside_is_an_error(pub, tmp_path):
    section(pub, "Boats come in at dawn.\n")
    elsewhere = tmp_path / "elsewhere.css"
    elsewhere.write_text("body { color: red }", encoding="utf-8")
    folder = pub / "layouts" / "brochure"
    folder.mkdir(parents=True)
    (folder / "print.css").symlink_to(elsewhere)
    with opened_files() as opened:
        code, lines = run(pub, target="pdf")
    assert code == 2, lines
    assert lines == ["error: layouts/brochure/print.css: is a link to a file outside the "
                     "layout; copy the file into the layout folder"]
    assert read_any(opened, {elsewhere}) == []


# ---------- The network, every way at once ----------

def test_no_build_reaches_the_network(pub, server):
    url = server.url
    section(pub, f"""\
A [Markdown link]({url}/link) and an autolink <{url}/autolink>.

Raw: <img src="{url}/raw.png" alt="x"> <span style="background: url({url}/style.png)">s</span>
<a href="{url}/a">a</a> <q cite="{url}/cite">q</q> <embed src="{url}/embed.swf">
<script src="{url}/script.js"></script>

<link rel="stylesheet" href="{url}/link.css">
<style>@import url({url}/style-import.css); p {{ background: url({url}/style-bg.png) }}</style>
<iframe src="{url}/iframe"></iframe>
<object data="{url}/object"></object>
<video src="{url}/video.mp4" poster="{url}/poster.png"></video>
<audio src="{url}/audio.mp3"></audio>
<picture><source srcset="{url}/source.png"><img src="{url}/picture.png" alt="p"></picture>
<svg><image href="{url}/svg.png"/></svg>
<form action="{url}/form"><input type="image" src="{url}/input.png"></form>
<base href="{url}/">

{{style="background: url({url}/attribute.png)"}}
A paragraph with a Markdown attribute.

![Boats in a harbour at dawn.](boats.jpg "The harbour")
""")
    own_layout(pub,
               print_css_before=f"@import url({url}/print-import.css);\n",
               print_css_after=(f"\n@font-face {{ font-family: Remote; src: url({url}/f.woff2) "
                                f"format('woff2'), url({url}/f.ttf); }}\n"
                                "h1 { font-family: Remote, var(--font-display); }\n"
                                f"body {{ background: url({url}/print-bg.png); }}\n"
                                f"li::marker {{ content: url({url}/marker.png); }}\n"),
               press_css=f"@import url({url}/press-import.css);\n"
                         f"body {{ background: url({url}/press-bg.png); }}\n",
               epub_css=(BUILTIN / "brochure" / "epub.css").read_text(encoding="utf-8")
               + f"\nbody {{ background: url({url}/epub-bg.png); }}\n")
    code, lines = run(pub)
    assert code == 0, lines
    assert server.requests == []
    assert {path.name for path in (pub / "output").iterdir()} >= {
        "hostile-ground.pdf", "hostile-ground.epub", "press"}


# ---------- Scripts in the book ----------

HOSTILE = """\
Water is H<sub>2</sub>O; the <abbr title="United Nations">UN</abbr> met<sup>2</sup>.

Click <span onclick="alert('ONCLICKCONTENT')" class="note">here</span>
<script>document.write("SCRIPTCONTENT")</script> now.

<script>
alert("SCRIPTBLOCKCONTENT")
</script>

<style>
body::after { content: "STYLECONTENT" }
</style>

<div class="box" lang="fr" onmouseover="alert(1)">

Un *paragraphe* dans une boîte.

</div>

<table>
<tr><th scope="col">Year</th><th scope="col">Catch</th></tr>
<tr><td>2024</td><td>1&nbsp;200&nbsp;t</td></tr>
</table>

<svg><text>SVGCONTENT</text><script>alert("SVGSCRIPTCONTENT")</script></svg>
<iframe srcdoc="<script>alert('IFRAMECONTENT')</script>">IFRAMECONTENT</iframe>
<math><mi>MATHCONTENT</mi></math>

A [script link](javascript:alert('JSLINK')), a [data link](data:text/html,DATALINK),
a <a href="javascript:alert('RAWJS')">raw link</a> and <a href="https://example.org/">another</a>.

![Boats in a harbour at dawn.](boats.jpg "The harbour"){onerror="alert('IMGERROR')"}

Text with a note.[^n]

[^n]: The note, with <sup>sup</sup>, <script>alert("NOTESCRIPT")</script> and <b>bold</b>.
"""
SECRETS = ("ONCLICKCONTENT", "SCRIPTCONTENT", "SCRIPTBLOCKCONTENT", "STYLECONTENT", "SVGCONTENT",
           "SVGSCRIPTCONTENT", "IFRAMECONTENT", "MATHCONTENT", "RAWJS", "IMGERROR", "NOTESCRIPT")


def test_hostile_raw_html_is_sanitised_in_every_output(pub):
    section(pub, HOSTILE)
    code, lines = run(pub)
    assert code == 0, lines
    out = pub / "output"

    with zipfile.ZipFile(out / "hostile-ground.epub") as epub:
        documents = {name: epub.read(name).decode("utf-8") for name in epub.namelist()
                     if name.endswith((".xhtml", ".opf", ".ncx", ".css"))}
    body = documents["EPUB/x.xhtml"]
    root = ET.fromstring(body.encode("utf-8"))
    names = [element.tag.split("}")[-1] for element in root.iter()]
    for name in ("script", "style", "svg", "iframe", "math", "object"):
        assert name not in names
    for text in documents.values():
        for secret in SECRETS:
            assert secret not in text
        assert not re.search(r"\son[a-z]+=", text)
        assert "javascript:" not in text.lower().replace("[script link](javascript:", "")
    assert "H<sub>2</sub>O" in body and '<abbr title="United Nations">UN</abbr>' in body
    assert '<span class="note">here</span>' in body
    assert re.search(r'<div class="box" lang="fr">\s*<p>Un <em>paragraphe</em>', body)
    assert '<th scope="col">Year</th>' in body and "1\u00a0200\u00a0t" in body
    assert '<a href="https://example.org/">' not in body and "another" in body
    assert epubcheck(out / "hostile-ground.epub") == []

    for pdf in (out / "hostile-ground.pdf", out / "press" / "hostile-ground-press.pdf"):
        text = pdf_text(pdf)
        for secret in SECRETS:
            assert secret not in text
        assert "H2O" in text.replace("\r", "").replace("\n", "") or "H2" in text
        assert "Un paragraphe dans une boîte." in text
        assert not any(uri.lower().startswith(("javascript:", "file:", "data:"))
                       for uri in pdf_uris(pdf))

    warnings = [line for line in lines if line.startswith("warning: manuscript/01-x.md:")]
    for expected in ("01-x.md:5: attribute 'onclick' removed from raw HTML <span>",
                     "01-x.md:6: raw HTML <script> removed with its content",
                     "01-x.md:8: raw HTML <script> removed with its content",
                     "01-x.md:12: raw HTML <style> removed with its content",
                     "01-x.md:16: attribute 'onmouseover' removed from raw HTML <div>",
                     "01-x.md:27: raw HTML <svg> removed with its content",
                     "01-x.md:28: raw HTML <iframe> removed with its content",
                     "01-x.md:29: raw HTML <math> removed with its content",
                     "01-x.md:32: raw HTML <a> removed (its text kept)",
                     "01-x.md:38: raw HTML <script> removed with its content"):
        assert any(expected in warning for warning in warnings), (expected, warnings)


# ---------- Templates that try to run code or read files ----------

#: Each line, put into a layout template, would run ``touch {marker}`` (or print ``id``'s
#: ``uid=...``) if templates could reach Python's internals; the sandbox refuses every one.
TEMPLATE_ATTACKS = {
    "cycler-popen": '{{ cycler.__init__.__globals__.os.popen("id; touch {marker}").read() }}',
    "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "subclasses-popen": "{% for c in ''.__class__.__mro__[1].__subclasses__() %}"
                        "{% if c.__name__ == 'Popen' %}{{ c('id; touch {marker}', shell=True) }}"
                        "{% endif %}{% endfor %}",
    "template-context": "{{ self._TemplateReference__context.cycler.__init__.__globals__.os"
                        ".popen('id; touch {marker}').read() }}",
    "config": "{{ config.__class__.__init__.__globals__['os'].popen('touch {marker}').read() }}",
    "lipsum-globals": "{{ lipsum.__globals__['os'].popen('id; touch {marker}').read() }}",
    "joiner-globals": "{{ joiner.__init__.__globals__.os.system('touch {marker}') }}",
    "attr-filter": "{{ ''|attr('__class__') }}",
    "method-self": "{{ body.__self__ }}",
    "format-string": "{{ '{0.__class__.__init__.__globals__}'.format(cycler) }}",
    "path-methods": "{{ publication.root.joinpath('{marker_name}').touch() }}",
    "path-read": "{{ publication.root.parent.joinpath('secret.txt').read_text() }}",
    "change-a-list": "{{ sections.clear() }}",
}
#: Attacks refused as undefined names (there is no ``config``; the EPUB's ``body`` is text).
UNDEFINED = {"config", "method-self"}
#: Where the attack is put: the screen PDF's template and an EPUB template.
TEMPLATES = {"print.html": ("pdf", 'data-title="'), "epub/section.xhtml": ("epub", "<body>")}


def hostile_template(source: Path, template: str, line: str) -> Path:
    """The source's own ``layouts/brochure/<template>``: the built-in one with ``line`` after
    its ``<body>`` line."""
    path = source / "layouts" / "brochure" / template
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = (BUILTIN / "brochure" / template).read_text(encoding="utf-8").splitlines(True)
    at = next(number for number, text in enumerate(lines, 1) if TEMPLATES[template][1] in text)
    path.write_text("".join(lines[:at] + [f"<p>{line}</p>\n"] + lines[at:]), encoding="utf-8")
    return path


def outputs_text(folder: Path) -> str:
    """Every output file's bytes, and the text of every PDF, as one string to search."""
    parts = []
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        if path.is_file():
            parts.append(path.read_bytes().decode("latin-1"))
            if path.suffix == ".pdf":
                parts.append(pdf_text(path))
            if path.suffix == ".epub":
                with zipfile.ZipFile(path) as epub:
                    parts += [epub.read(name).decode("latin-1") for name in epub.namelist()]
    return "\n".join(parts)


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("attack", TEMPLATE_ATTACKS)
def test_a_template_cannot_run_code_nor_reach_python(pub, tmp_path, template, attack):
    section(pub, "Boats come in at dawn.\n")
    marker = tmp_path / "exploited"
    (pub.parent / "secret.txt").write_text("uid=SECRET", encoding="utf-8")
    line = (TEMPLATE_ATTACKS[attack].replace("{marker}", str(marker))
            .replace("{marker_name}", "../exploited"))
    path = hostile_template(pub, template, line)
    number = path.read_text(encoding="utf-8").splitlines().index(f"<p>{line}</p>") + 1
    target = TEMPLATES[template][0]
    with opened_files() as opened:
        code, lines = run(pub, target=target)
    assert code == 2, lines
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: layouts/brochure/{template}:{number}: template error: ")
    assert "not allowed: access to " in lines[0] or attack in UNDEFINED, lines
    assert not marker.exists() and not (pub / "exploited").exists()
    assert "uid=" not in lines[0]
    assert "uid=" not in outputs_text(pub / "output")
    assert read_any(opened, {pub.parent / "secret.txt"}) == []


OUTSIDE_TEMPLATES = {
    "include-climb": "{% include '../../../../../../../../etc/passwd' %}",
    "include-absolute": "{% include '/etc/passwd' %}",
    "include-link": "{% include 'fonts/passwd.html' %}",
    "import-climb": "{% from '../../../../../../../etc/passwd' import x %}",
    "extends-climb": "{% extends '../../../../../../../../etc/passwd' %}",
}


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("attack", OUTSIDE_TEMPLATES)
def test_a_template_cannot_include_a_file_outside_the_layouts(pub, template, attack):
    section(pub, "Boats come in at dawn.\n")
    line = OUTSIDE_TEMPLATES[attack]
    path = hostile_template(pub, template, line)
    fonts = pub / "layouts" / "brochure" / "fonts"
    fonts.mkdir(exist_ok=True)
    (fonts / "passwd.html").symlink_to("/etc/passwd")
    number = path.read_text(encoding="utf-8").splitlines().index(f"<p>{line}</p>") + 1
    with opened_files() as opened:
        code, lines = run(pub, target=TEMPLATES[template][0])
    assert code == 2, lines
    name = line.split("'")[1]
    why = "is a link to a file outside the layout" if attack == "include-link" else \
        "is outside the layout"
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: layouts/brochure/{template}:{number}: template error: "
                               f"not allowed: template '{name}' {why}"), lines
    assert read_any(opened, {Path("/etc/passwd")}) == []
    assert "root:" not in outputs_text(pub / "output")


# ---------- Hostile SVG figures ----------

def hostile_svg(url: str, secret: Path) -> str:
    return f"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY xxe SYSTEM "{secret.as_uri()}"><!ENTITY web SYSTEM "{url}/entity">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="80mm" height="40mm" viewBox="0 0 160 80" onload="alert('ONLOAD-RAN')">
  <style>@import url({url}/import.css); .far {{ fill: url({url}/paint.svg#p) }} .ok {{ fill: #00a000 }}</style>
  <script>alert("SCRIPT-RAN")</script>
  <rect class="ok" x="0" y="0" width="160" height="80" onclick="alert('CLICK-RAN')"/>
  <rect class="far" x="10" y="10" width="20" height="20"
        style="fill: #ff0000; background-image: url({url}/style.png)"/>
  <foreignObject width="100" height="50"><div xmlns="http://www.w3.org/1999/xhtml">FOREIGN-HTML
    <iframe src="{url}/frame"></iframe></div></foreignObject>
  <a xlink:href="{url}/link"><circle cx="20" cy="60" r="5"/></a>
  <use href="{url}/sprite.svg#icon"/>
  <use xlink:href="{secret.as_uri()}#x"/>
  <image href="{url}/photo.png" width="10" height="10"/>
  <image xlink:href="{secret.as_uri()}" width="10" height="10"/>
  <set attributeName="href" to="{url}/set"/>
  <animate attributeName="href" values="{url}/animate"/>
  <text x="40" y="50" font-size="12">Safe label &xxe;&web;</text>
</svg>
"""


def test_hostile_svg_figures_are_sanitised_in_every_output(pub, tmp_path, server):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-PASSWORD", encoding="utf-8")
    (pub / "images" / "plan.svg").write_text(hostile_svg(server.url, secret), encoding="utf-8")
    section(pub, '![A plan with a green field.](plan.svg "The plan")\n\nA paragraph.\n')
    with opened_files() as opened:
        code, lines = run(pub)
    assert code == 0, lines
    assert server.requests == []
    assert read_any(opened, {secret.resolve()}) == []

    out = pub / "output"
    outputs = [path for path in out.rglob("*") if path.is_file() and ".cache" not in path.parts]
    parts = []
    for path in outputs:
        parts.append(path.read_bytes().decode("latin-1"))
        if path.suffix == ".pdf":
            parts.append(pdf_text(path))
        if path.suffix == ".epub":
            with zipfile.ZipFile(path) as epub:
                parts += [epub.read(name).decode("latin-1") for name in epub.namelist()]
    text = "\n".join(parts)
    for gone in ("TOP-SECRET", "SCRIPT-RAN", "ONLOAD-RAN", "CLICK-RAN", "FOREIGN-HTML",
                 server.url, secret.as_uri(), "ENTITY", "foreignObject", "@import"):
        assert gone not in text, gone

    with zipfile.ZipFile(out / "hostile-ground.epub") as epub:
        drawing = epub.read("EPUB/images/plan.svg")
        opf = epub.read("EPUB/content.opf").decode()
    assert 'href="images/plan.svg"' in opf and 'media-type="image/svg+xml"' in opf
    root = ET.fromstring(drawing)
    names = {element.tag.split("}")[-1] for element in root.iter()}
    assert {"rect", "text", "circle", "style"} <= names  # the rest of the picture is kept
    assert not names & {"script", "foreignObject", "a", "image", "set", "animate"}
    assert not any(name.startswith("on") for element in root.iter() for name in element.attrib)
    assert (out / "web" / "images" / "plan.svg").read_bytes() == drawing
    assert epubcheck(out / "hostile-ground.epub") == []
    for pdf in (out / "hostile-ground.pdf", out / "press" / "hostile-ground-press.pdf"):
        assert "Safe label" in pdf_text(pdf)

    warnings = [line for line in lines if line.startswith("warning: manuscript/01-x.md:3: "
                                                           "figure 'plan.svg': ")]
    for expected in ("<!DOCTYPE> declaring entities (web, xxe) removed",
                     "attribute 'onload' removed from SVG <svg>; a book cannot run scripts",
                     "@import removed from an SVG <style>",
                     f"CSS 'fill: url({server.url}/paint.svg#p)' removed from an SVG <style>",
                     "SVG <script> removed with its content",
                     "attribute 'onclick' removed from SVG <rect>",
                     "CSS 'background-image: url(",
                     "SVG <foreignObject> removed with its content",
                     "link <a> removed (its drawing kept)",
                     f'reference href="{server.url}/sprite.svg#icon" removed from SVG <use>',
                     'reference xlink:href="file:///', "removed from SVG <use>; an SVG figure may "
                     "refer only to its own parts (#id)",
                     f'SVG <image href="{server.url}/photo.png"> removed',
                     'SVG <image href="file:///',
                     "SVG <set> removed with its content; a printed page does not move",
                     "SVG <animate> removed with its content",
                     "entity reference &xxe; removed", "entity reference &web; removed"):
        assert any(expected in warning and warning.endswith("the rest of the picture is kept")
                   for warning in warnings), (expected, warnings)
