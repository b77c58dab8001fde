// The web edition under axe-core in headless Chromium: every page of a folder, in the light
// and the dark colour scheme, at desktop and at phone width.
//
//   node tests/reader/axe_web.mjs FOLDER [SHOTS]
//
// Serves FOLDER over http on 127.0.0.1 (a port of the system's choosing), loads each
// FOLDER/*.html from there (any request for another host is refused and reported), runs axe.run with the WCAG 2.0 and 2.1 A and AA rules, and measures whether the
// page is wider than the window. With SHOTS, a full-page PNG of each page in each mode is
// written there (<page>-<scheme>-<width>.png). Prints one JSON object:
//   {"runs": [{"page", "scheme", "width", "violations": [{"id", "impact", "help", "nodes"}],
//              "overflow": px wider than the window, "images": [{"src", "complete", "naturalWidth"}]}],
//    "requests": [URLs refused], "errors": [page and console errors]}
// Chromium: $PRESSROOM_CHROMIUM, else /usr/bin/chromium; puppeteer-core and axe-core come
// from the repository's node_modules/ (scripts/setup.sh installs them).

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import http from "node:http";

const require = createRequire(import.meta.url);
const STEP_TIMEOUT = 30_000;
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--disable-dev-shm-usage",
];
const MODES = [
  { scheme: "light", width: 1280, height: 900, mobile: false },
  { scheme: "dark", width: 1280, height: 900, mobile: false },
  { scheme: "light", width: 390, height: 844, mobile: true },
  { scheme: "dark", width: 390, height: 844, mobile: true },
];
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".jpg": "image/jpeg",
  ".png": "image/png", ".gif": "image/gif", ".svg": "image/svg+xml", ".ttf": "font/ttf",
  ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2",
};

// A static server for the folder, as a web host would serve the edition.
function serve(folder) {
  const root = path.resolve(folder);
  const server = http.createServer((request, response) => {
    const name = decodeURIComponent(new URL(request.url, "http://127.0.0.1").pathname);
    const file = path.resolve(root, "." + (name.endsWith("/") ? name + "index.html" : name));
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "Content-Type": TYPES[path.extname(file)] || "application/octet-stream" });
    fs.createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function fail(message, code = 1) {
  process.stderr.write(`axe_web: ${String(message).split("\n")[0]}\n`);
  process.exit(code);
}

async function main() {
  const [folder, shots] = process.argv.slice(2);
  if (!folder) fail("usage: node axe_web.mjs FOLDER [SHOTS]", 2);
  const chromium = process.env.PRESSROOM_CHROMIUM || "/usr/bin/chromium";
  if (!fs.existsSync(chromium)) fail(`Chromium not found at ${chromium} (set PRESSROOM_CHROMIUM or run scripts/setup.sh)`);
  let puppeteer, axeSource;
  try {
    puppeteer = (await import("puppeteer-core")).default;
    axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  } catch (error) {
    fail(`cannot load puppeteer-core or axe-core (run scripts/setup.sh): ${error.message}`);
  }
  const pages = fs.readdirSync(folder).filter((name) => name.endsWith(".html")).sort();
  if (shots) fs.mkdirSync(shots, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "pressroom-axe-"));
  const report = { runs: [], requests: [], errors: [] };
  const server = await serve(folder);
  const origin = `http://127.0.0.1:${server.address().port}`;
  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: chromium, headless: true, args: CHROMIUM_ARGS, userDataDir: profile,
      timeout: STEP_TIMEOUT, protocolTimeout: STEP_TIMEOUT * 4,
    });
    const page = await browser.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      const url = request.url();
      if (url.startsWith(`${origin}/`) || url.startsWith("data:")) {
        request.continue();
      } else {
        report.requests.push(url);
        request.abort();
      }
    });
    page.on("requestfailed", (request) => {
      // a srcset candidate given up for another when the window changes is not an error
      const why = request.failure()?.errorText;
      if (request.url().startsWith(origin) && why !== "net::ERR_ABORTED") {
        report.errors.push(`requestfailed: ${request.url()} ${why}`);
      }
    });
    page.on("response", (response) => {
      if (response.status() >= 400) report.errors.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    page.on("pageerror", (error) => report.errors.push(`pageerror: ${error.message.split("\n")[0]}`));
    page.on("console", (message) => {
      if (message.type() === "error") report.errors.push(`console: ${message.text().split("\n")[0]}`);
    });
    for (const mode of MODES) {
      await page.setViewport({ width: mode.width, height: mode.height, deviceScaleFactor: 1,
                               isMobile: mode.mobile, hasTouch: mode.mobile });
      await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: mode.scheme }]);
      for (const name of pages) {
        const url = `${origin}/${encodeURIComponent(name)}`;
        await page.goto(url, { waitUntil: "load" });
        await page.evaluate(() => document.fonts.ready);
        // every image loaded (they are lazy), as a reader scrolling down would see them
        const images = await page.evaluate(async () => {
          const found = [];
          for (const img of document.images) {
            img.loading = "eager";
            try { await img.decode(); } catch { /* broken: naturalWidth stays 0 */ }
            found.push({ src: img.currentSrc || img.src, complete: img.complete,
                         naturalWidth: img.naturalWidth });
          }
          return found;
        });
        await page.evaluate(axeSource);
        const result = await page.evaluate(async (tags) => {
          const outcome = await window.axe.run(document, { runOnly: { type: "tag", values: tags },
                                                           resultTypes: ["violations"] });
          return outcome.violations.map((violation) => ({
            id: violation.id, impact: violation.impact, help: violation.help,
            nodes: violation.nodes.map((node) => `${node.target.join(" ")}: ${node.failureSummary || ""}`.slice(0, 300)),
          }));
        }, TAGS);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        report.runs.push({ page: name, scheme: mode.scheme, width: mode.width, violations: result,
                           overflow, images });
        if (shots) {
          await page.screenshot({ path: path.join(shots, `${name.replace(/\.html$/, "")}-${mode.scheme}-${mode.width}.png`),
                                  fullPage: true });
        }
      }
    }
  } finally {
    if (browser) await browser.close().catch(() => browser.process()?.kill("SIGKILL"));
    fs.rmSync(profile, { recursive: true, force: true });
    server.close();
  }
  process.stdout.write(JSON.stringify(report) + "\n");
}

main().catch((error) => fail(error && error.message ? error.message : error));
