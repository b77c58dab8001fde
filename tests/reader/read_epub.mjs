// Open an EPUB in a real reading engine -- epub.js in headless Chromium -- paginate it, read
// every spine item's rendered text and screenshot its first screen.
//
//   node tests/reader/read_epub.mjs BOOK.epub SCREENSHOT_DIR
//
// Prints one JSON object on stdout: metadata, spine, toc, page list, number of generated
// locations, per spine item the rendered text and screenshot, the result of turning one page
// with rendition.next() in the first body section, and every page or console error as
// `errors`. Exits non-zero with a one-line message on stderr when it cannot do its job.
// Chromium: $PRESSROOM_CHROMIUM, else /usr/bin/chromium. epub.js, JSZip and puppeteer-core
// come from the repository's node_modules/ (scripts/setup.sh installs them).

import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MODULES = path.resolve(HERE, "../../node_modules");
const SCRIPTS = {
  "/jszip.min.js": path.join(MODULES, "jszip/dist/jszip.min.js"),
  "/epub.min.js": path.join(MODULES, "epubjs/dist/epub.min.js"),
};
const WIDTH = 600;   // a phone or small e-reader
const HEIGHT = 800;
const TOTAL_TIMEOUT = 50_000;  // ms for the whole run
const STEP_TIMEOUT = 15_000;   // ms for one step in the page
const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--disable-dev-shm-usage",
];

const errors = [];  // page errors, console errors and failed requests, as one-line strings
const pending = [];  // console messages still being described

function fail(message, code = 1) {
  process.stderr.write(`read_epub: ${String(message).split("\n")[0]}\n`);
  process.exit(code);
}

// The reader page: epub.js renders into #viewer, which fills the viewport. Node drives it
// through window.reader.
const PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Pressroom reader check</title>
<style>html, body { margin: 0; padding: 0; background: #fff; overflow: hidden; }
#viewer { width: ${WIDTH}px; height: ${HEIGHT}px; }</style>
<script src="/jszip.min.js"></script>
<script src="/epub.min.js"></script>
</head><body><div id="viewer"></div>
<script>
"use strict";
const STEP = ${STEP_TIMEOUT - 2000};
function within(promise, what, ms = STEP) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(what + ": timed out after " + ms + " ms")), ms); }),
  ]).finally(() => clearTimeout(timer));
}
function twoFrames() { return new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))); }
function clean(text) { return (text || "").replace(/\\s+/g, " ").trim(); }
function flatten(items, depth = 0, out = []) {
  for (const item of items || []) {
    out.push({ label: clean(item.label), href: item.href, depth });
    flatten(item.subitems, depth + 1, out);
  }
  return out;
}
function whereNow(rendition) {
  const where = rendition.currentLocation();
  if (!where || !where.start) return null;
  return {
    cfi: where.start.cfi, href: where.start.href, index: where.start.index,
    location: where.start.location, percentage: where.start.percentage,
    page: where.start.displayed && where.start.displayed.page,
    pages: where.start.displayed && where.start.displayed.total,
  };
}
const rendered = new Set();   // hrefs of the sections rendered since the last display()
async function waitRendered(href) {
  const start = Date.now();
  while (!rendered.has(href)) {
    if (Date.now() - start > STEP) throw new Error("no rendered event for " + href);
    await new Promise((done) => setTimeout(done, 25));
  }
}
async function settle(contents) {
  // images decoded and fonts loaded in the section's iframe, then two frames painted
  const doc = contents.document;
  await within(Promise.all(Array.from(doc.images).map((img) =>
    img.complete ? null : new Promise((done) => { img.onload = img.onerror = done; }))), "images");
  if (doc.fonts) await within(doc.fonts.ready, "fonts");
  await twoFrames();
}
function contentsOf(rendition, index) {
  return rendition.getContents().find((each) => each.sectionIndex === index) || rendition.getContents()[0];
}

window.reader = {
  book: null,
  rendition: null,

  async open(url) {
    const book = this.book = ePub(url, { openAs: "epub" });
    const failed = new Promise((_, reject) => book.on("openFailed", (error) => reject(error)));
    await within(Promise.race([book.opened, failed]), "opening the EPUB");
    await within(book.loaded.navigation, "loading the navigation");
    const rendition = this.rendition = book.renderTo("viewer", {
      width: ${WIDTH}, height: ${HEIGHT}, flow: "paginated", spread: "none",
    });
    rendition.on("rendered", (section) => rendered.add(section.href));
    rendition.on("displayError", (error) => console.error("epub.js displayError: " + (error && error.message || error)));
    await within(rendition.display(), "displaying the book");
    const started = Date.now();
    const locations = await within(book.locations.generate(1000), "generating locations", STEP * 2);
    const metadata = book.packaging.metadata;
    const pageList = (book.pageList && book.pageList.pageList)
      || (book.navigation && book.navigation.pageList) || [];
    const landmarks = (book.navigation.landmarks || []).map((each) => ({ type: each.type, href: each.href, label: clean(each.label) }));
    return {
      metadata: { title: metadata.title, language: metadata.language, creator: metadata.creator,
                  identifier: metadata.identifier, publisher: metadata.publisher },
      spine: book.spine.spineItems.map((item) => ({ index: item.index, idref: item.idref, href: item.href, linear: item.linear })),
      toc: flatten(book.navigation.toc),
      landmarks,
      pageList: pageList.map((item) => ({ page: item.page, href: item.href })),
      locations: locations.length,
      locationsMs: Date.now() - started,
    };
  },

  async show(index) {
    const section = this.book.spine.get(index);
    rendered.clear();
    await within(this.rendition.display(section.href), "displaying " + section.href);
    const current = whereNow(this.rendition);
    if (!current || current.href !== section.href) {
      // display() kept the view it already had only if it was this section
      await waitRendered(section.href);
    }
    const contents = contentsOf(this.rendition, index);
    await settle(contents);
    const doc = contents.document;
    const body = doc.body;
    const images = Array.from(doc.images).map((img) => {
      const box = img.getBoundingClientRect();
      return { src: img.getAttribute("src"), alt: img.getAttribute("alt"), loaded: img.complete && img.naturalWidth > 0,
               width: Math.round(box.width), height: Math.round(box.height) };
    });
    const headings = Array.from(doc.querySelectorAll("h1, h2, h3")).map((h) => clean(h.innerText));
    // page-break markers are empty elements; an HTML parser reading "<span/>" as an open tag
    // would put the rest of the section inside them
    const markers = Array.from(doc.querySelectorAll('[role="doc-pagebreak"]'));
    return {
      index, idref: section.idref, href: section.href,
      text: clean(body ? body.innerText : ""),
      headings,
      images,
      contentType: doc.contentType,
      pagebreaks: markers.map((marker) => ({ id: marker.id, label: marker.getAttribute("aria-label"),
                                             children: marker.childNodes.length })),
      scrollWidth: doc.documentElement.scrollWidth,
      location: whereNow(this.rendition),
    };
  },

  async turn(index) {
    const section = this.book.spine.get(index);
    await this.show(index);
    const before = whereNow(this.rendition);
    const moved = new Promise((done) => this.rendition.once("relocated", done));
    await within(this.rendition.next(), "rendition.next()");
    await within(moved, "relocated after next()");
    await settle(contentsOf(this.rendition, this.rendition.currentLocation().start.index));
    const after = whereNow(this.rendition);
    return { idref: section.idref, href: section.href, before, after,
             moved: !!(before && after && before.cfi !== after.cfi) };
  },
};
</script></body></html>`;

// A console message in one line: epub.js logs Error objects, which message.text() shows as
// "[object Object]" or "JSHandle@error".
async function describe(message) {
  const parts = await Promise.all(message.args().map(async (arg) => {
    const remote = arg.remoteObject();
    if (remote.type !== "object") return String(remote.value ?? remote.description ?? "");
    if (remote.subtype === "error") return String(remote.description || "").split("\n")[0];
    try {
      const value = await arg.jsonValue();
      return value && typeof value.message === "string" ? value.message : JSON.stringify(value);
    } catch {
      return String(remote.description || "");
    }
  })).catch(() => []);
  const where = message.location() && message.location().url;
  const text = parts.join(" ").trim() || message.text();
  return `${text}${where ? ` (${where})` : ""}`.split("\n")[0];
}

function serve(book) {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url, "http://127.0.0.1");
    const send = (status, type, body) => {
      response.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
      response.end(body);
    };
    try {
      if (url.pathname === "/") return send(200, "text/html; charset=utf-8", PAGE);
      if (url.pathname === "/book.epub") return send(200, "application/epub+zip", fs.readFileSync(book));
      if (SCRIPTS[url.pathname]) return send(200, "text/javascript", fs.readFileSync(SCRIPTS[url.pathname]));
      if (url.pathname === "/favicon.ico") return send(204, "image/x-icon", "");
      return send(404, "text/plain", "not found");
    } catch (error) {
      return send(500, "text/plain", String(error));
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

async function main() {
  const [bookArg, shotsArg] = process.argv.slice(2);
  if (!bookArg || !shotsArg) fail("usage: node read_epub.mjs BOOK.epub SCREENSHOT_DIR", 2);
  const book = path.resolve(bookArg);
  const shots = path.resolve(shotsArg);
  if (!fs.existsSync(book)) fail(`no such EPUB: ${book}`);
  const chromium = process.env.PRESSROOM_CHROMIUM || "/usr/bin/chromium";
  if (!fs.existsSync(chromium)) fail(`Chromium not found at ${chromium} (set PRESSROOM_CHROMIUM or run scripts/setup.sh)`);
  for (const file of Object.values(SCRIPTS)) {
    if (!fs.existsSync(file)) fail(`missing ${path.relative(process.cwd(), file)} (run scripts/setup.sh)`);
  }
  let puppeteer;
  try {
    puppeteer = (await import("puppeteer-core")).default;
  } catch (error) {
    fail(`cannot load puppeteer-core from ${MODULES} (run scripts/setup.sh): ${error.message}`);
  }
  fs.mkdirSync(shots, { recursive: true });

  const started = Date.now();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "pressroom-reader-"));
  let server, browser;
  const watchdog = setTimeout(() => {
    if (browser) browser.process()?.kill("SIGKILL");
    fs.rmSync(profile, { recursive: true, force: true });
    fail(`timed out after ${TOTAL_TIMEOUT / 1000} s`, 3);
  }, TOTAL_TIMEOUT);
  try {
    server = await serve(book);
    const base = `http://127.0.0.1:${server.address().port}`;
    browser = await puppeteer.launch({
      executablePath: chromium, headless: true, args: CHROMIUM_ARGS, userDataDir: profile,
      timeout: STEP_TIMEOUT, protocolTimeout: STEP_TIMEOUT * 2,
      defaultViewport: { width: WIDTH, height: HEIGHT, deviceScaleFactor: 1 },
    });
    const page = await browser.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") pending.push(describe(message).then((text) => errors.push(`console: ${text}`)));
    });
    page.on("requestfailed", (request) => {
      if (!request.url().startsWith("blob:") || request.failure()?.errorText !== "net::ERR_ABORTED") {
        errors.push(`requestfailed: ${request.url()} ${request.failure()?.errorText}`);
      }
    });
    page.on("response", (response) => {
      if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    await page.goto(`${base}/`, { waitUntil: "load" });

    const opened = await page.evaluate((url) => window.reader.open(url), `${base}/book.epub`);
    const sections = [];
    for (const item of opened.spine) {
      const shown = await page.evaluate((index) => window.reader.show(index), item.index);
      const name = `${String(item.index + 1).padStart(2, "0")}-${item.idref}.png`;
      shown.screenshot = path.join(shots, name);
      await page.screenshot({ path: shown.screenshot });
      sections.push(shown);
    }
    // the first body section: the bodymatter landmark, else the first spine item that is
    // neither the cover nor the navigation document
    const bodymatter = opened.landmarks.find((each) => each.type === "bodymatter");
    let body = bodymatter && opened.spine.find((item) => item.href === bodymatter.href.split("#")[0]);
    body = body || opened.spine.find((item) => !/cover|nav|toc/i.test(item.idref)) || opened.spine[0];
    const next = await page.evaluate((index) => window.reader.turn(index), body.index);
    next.screenshot = path.join(shots, `next-${body.idref}.png`);
    await page.screenshot({ path: next.screenshot });

    await Promise.all(pending);
    const result = { ...opened, sections, next, viewport: { width: WIDTH, height: HEIGHT },
                     chromium: await browser.version(), errors, seconds: 0 };
    result.seconds = Math.round((Date.now() - started) / 100) / 10;
    process.stdout.write(JSON.stringify(result, null, 1) + "\n");
  } finally {
    clearTimeout(watchdog);
    if (browser) await browser.close().catch(() => browser.process()?.kill("SIGKILL"));
    if (server) server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((error) => fail((error && error.message ? error.message : error)
  + (errors.length ? ` [first page error: ${errors[0]}]` : "")));
