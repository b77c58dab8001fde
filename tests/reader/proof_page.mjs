// Keep the proof page of `publish.py serve` open in headless Chromium and answer questions
// about it, so a test can edit the source and watch the same tab follow the rebuilds.
//
//   node tests/reader/proof_page.mjs URL
//
// Opens URL, then reads one JSON command per line on stdin and answers each with one JSON line
// on stdout:
//   {"op": "state"}                              the page now (see state() below)
//   {"op": "wait", "text": T, "timeout": MS}     until the page's text holds T (or, with
//                                                "absent": true, no longer does); then its state
//   {"op": "images"}                             scroll to every page image, wait until it is
//                                                loaded; their sources and natural widths
//   {"op": "find", "text": T}                    whether the browser's find (as Ctrl-F) finds T
//   {"op": "screenshot", "path": P}              a full-page PNG
// An answer is {"ok": true, ...} or {"ok": false, "error": "..."}; every answer carries the
// page errors, console errors and failed requests seen so far as `errors`. End of stdin closes
// the browser. Chromium: $PRESSROOM_CHROMIUM, else /usr/bin/chromium; puppeteer-core comes
// from the repository's node_modules/ (scripts/setup.sh installs it).

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";

const WIDTH = 1400;
const HEIGHT = 1000;
const STEP_TIMEOUT = 15_000;  // ms for one browser step
const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--disable-dev-shm-usage",
];

const errors = [];

function fail(message, code = 1) {
  process.stderr.write(`proof_page: ${String(message).split("\n")[0]}\n`);
  process.exit(code);
}

function answer(value) {
  process.stdout.write(JSON.stringify({ ...value, errors }) + "\n");
}

// What the page shows: the build it displays, its title and status, its messages, its text
// (hidden page text included, as the browser's find sees it), its page images, and whether it
// is still the document first opened (a reload would lose window.openedByTest).
function state() {
  const clean = (text) => (text || "").replace(/\u00ad/g, "").replace(/\s+/g, " ").trim();
  const proof = document.getElementById("proof");
  return {
    build: Number(proof.dataset.build),
    title: document.title,
    heading: clean(document.querySelector("h1")?.innerText),
    status: clean(document.querySelector(".status")?.innerText),
    errorLines: Array.from(document.querySelectorAll(".errors li"), (li) => clean(li.innerText)),
    warningLines: Array.from(document.querySelectorAll(".warnings li"), (li) => clean(li.innerText)),
    pageImages: Array.from(document.querySelectorAll(".page img"), (img) => img.getAttribute("src")),
    text: clean(document.body.innerText),
    sameDocument: window.openedByTest === true,
  };
}

// Every page image scrolled into view (they load lazily) and decoded.
async function images() {
  const found = [];
  for (const img of document.querySelectorAll(".page img")) {
    img.scrollIntoView({ block: "center" });
    try {
      await img.decode();
    } catch {
      // a broken image: naturalWidth stays 0
    }
    found.push({ src: img.getAttribute("src"), naturalWidth: img.naturalWidth,
                 naturalHeight: img.naturalHeight });
  }
  window.scrollTo(0, 0);
  return found;
}

async function run(page, command) {
  switch (command.op) {
    case "state":
      return { ok: true, state: await page.evaluate(state) };
    case "wait": {
      const clean = (text) => text.replace(/\s+/g, " ").trim();
      try {
        await page.waitForFunction((text, absent) => {
          const shown = document.body.innerText.replace(/\u00ad/g, "").replace(/\s+/g, " ");
          return shown.includes(text) !== absent;
        }, { polling: 100, timeout: command.timeout || STEP_TIMEOUT }, clean(command.text),
        Boolean(command.absent));
      } catch (error) {
        return { ok: false, error: error.message.split("\n")[0], state: await page.evaluate(state) };
      }
      return { ok: true, state: await page.evaluate(state) };
    }
    case "images":
      return { ok: true, images: await page.evaluate(images) };
    case "find":
      return { ok: true, found: await page.evaluate((text) => window.find(text, false, false, true), command.text) };
    case "screenshot":
      await page.screenshot({ path: command.path, fullPage: Boolean(command.fullPage) });
      return { ok: true, path: command.path };
    default:
      return { ok: false, error: `unknown op ${JSON.stringify(command.op)}` };
  }
}

async function main() {
  const url = process.argv[2];
  if (!url) fail("usage: node proof_page.mjs URL", 2);
  const chromium = process.env.PRESSROOM_CHROMIUM || "/usr/bin/chromium";
  if (!fs.existsSync(chromium)) fail(`Chromium not found at ${chromium} (set PRESSROOM_CHROMIUM or run scripts/setup.sh)`);
  let puppeteer;
  try {
    puppeteer = (await import("puppeteer-core")).default;
  } catch (error) {
    fail(`cannot load puppeteer-core (run scripts/setup.sh): ${error.message}`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "pressroom-proof-"));
  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: chromium, headless: true, args: CHROMIUM_ARGS, userDataDir: profile,
      timeout: STEP_TIMEOUT, protocolTimeout: STEP_TIMEOUT * 8,
      defaultViewport: { width: WIDTH, height: HEIGHT, deviceScaleFactor: 1 },
    });
    const page = await browser.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.on("pageerror", (error) => errors.push(`pageerror: ${error.message.split("\n")[0]}`));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(`console: ${message.text().split("\n")[0]}`);
    });
    page.on("requestfailed", (request) => errors.push(`requestfailed: ${request.url()} ${request.failure()?.errorText}`));
    page.on("response", (response) => {
      if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    await page.goto(url, { waitUntil: "load" });
    await page.evaluate(() => { window.openedByTest = true; });
    answer({ ok: true, state: await page.evaluate(state) });
    for await (const line of readline.createInterface({ input: process.stdin })) {
      if (!line.trim()) continue;
      let command;
      try {
        command = JSON.parse(line);
      } catch (error) {
        answer({ ok: false, error: `not JSON: ${error.message}` });
        continue;
      }
      answer(await run(page, command).catch((error) => ({ ok: false, error: String(error.message).split("\n")[0] })));
    }
  } finally {
    if (browser) await browser.close().catch(() => browser.process()?.kill("SIGKILL"));
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((error) => fail(error && error.message ? error.message : error));
