// tests/browser/site.js — the woven site in a real browser.  Prints TAP.
//
//   node tests/browser/site.js SITEDIR SHOTDIR
//
// Serves SITEDIR with `python3 -m http.server` on 127.0.0.1 (what `make
// serve` runs), drives Debian's chromium (/usr/bin/chromium) headless
// through playwright-core (tools/node/node_modules), one browser for
// every check, and checks what a reader does: every page opens with no
// console error and no failed request (a screenshot of each goes to
// SHOTDIR); a chunk reference in code lands on the chunk, on its page and
// across pages; the ▸ beside one shows the chunk's code in place, from
// another page too, and its continuations; searching copy_process finds
// the fork chapter and links into its chunks; ← and → turn the page (not
// while typing in the search box); dark mode follows the system, the
// toggle overrides it and is remembered; on a phone the sidebar is a
// menu and the page does not scroll sideways; an identifier's
// data-preview shows on hover and focus; print hides the chrome; the
// breadcrumbs follow the section being read.  Chapter pages stay under
// 300 KB each.
"use strict";
const path = require("path");
const fs = require("fs");
const os = require("os");
const { spawn } = require("child_process");

const root = path.resolve(__dirname, "../..");
const site = path.resolve(process.argv[2] || path.join(root, "build/book/html"));
const shots = path.resolve(process.argv[3] || path.join(root, "build/book/screenshots"));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const MAX_PAGE = 300 * 1024;

let n = 0, failures = 0;
function ok(cond, desc, diag) {
  n++;
  if (cond) console.log(`ok ${n} - ${desc}`);
  else {
    failures++;
    console.log(`not ok ${n} - ${desc}`);
    if (diag) String(diag).split("\n").slice(0, 30).forEach((l) => console.log(`  # ${l}`));
  }
  return cond;
}
function note(s) { console.log(`# ${s}`); }

// One check that may throw: a throw is a failure with the message.
// A site that is only part of the book (a course that omits chapters,
// BROWSER_PARTIAL=1) may lack what a check needs, such as a reference
// to another chapter: the check returns { skip: why } and is reported
// as skipped.  In the whole book the same lack is a failure.
const PARTIAL = process.env.BROWSER_PARTIAL === "1";
function lacking(why) { return PARTIAL ? { skip: why } : why; }

async function check(desc, fn) {
  const t = Date.now();
  const took = () => ` (${((Date.now() - t) / 1000).toFixed(1)} s)`;
  try {
    const r = await fn();
    if (r === true || r === undefined) return ok(true, desc + took());
    if (r && r.skip) { n++; console.log(`ok ${n} - ${desc} # SKIP ${r.skip}`); return true; }
    return ok(false, desc + took(), r);
  } catch (e) {
    return ok(false, desc + took(), e && e.stack ? e.stack : e);
  }
}

// python3 -m http.server on a free port; resolves to { url, proc }
function serve(dir) {
  return new Promise((resolve, reject) => {
    const proc = spawn("python3", ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
      "--directory", dir], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const timer = setTimeout(() => reject(new Error("http.server did not start: " + out)), 15000);
    proc.stdout.on("data", (d) => {
      out += d;
      const m = /port (\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ url: `http://127.0.0.1:${m[1]}/`, proc }); }
    });
    proc.stderr.on("data", () => {});	// its request log
    proc.on("exit", (c) => reject(new Error("http.server exited " + c + ": " + out)));
  });
}

// A page that records console errors, uncaught exceptions, failed
// requests and HTTP errors.
async function watchedPage(context) {
  const page = await context.newPage();
  page.problems = [];
  page.on("console", (m) => { if (m.type() === "error") page.problems.push("console: " + m.text()); });
  page.on("pageerror", (e) => page.problems.push("exception: " + e.message));
  page.on("requestfailed", (r) => page.problems.push("failed: " + r.url() + " " + (r.failure() || {}).errorText));
  page.on("response", (r) => { if (r.status() >= 400) page.problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return page;
}

const luminance = (rgb) => {
  const m = /rgba?\((\d+), (\d+), (\d+)/.exec(rgb);
  if (!m) return -1;
  return (0.2126 * m[1] + 0.7152 * m[2] + 0.0722 * m[3]) / 255;
};
const bodyBg = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const norm = (s) => s.replace(/[▸▾]/g, "").replace(/\s+/g, " ").trim();

async function main() {
  console.log("TAP version 13");
  note(`site: ${path.relative(root, site) || site}`);
  const t0 = Date.now();
  if (!fs.existsSync(path.join(site, "index.html"))) {
    console.log(`Bail out! no site in ${site} (weave it: make html)`);
    process.exit(1);
  }
  let chromium;
  try {
    ({ chromium } = require(path.join(root, "tools/node/node_modules/playwright-core")));
  } catch (e) {
    console.log("Bail out! playwright-core is not installed (make deps)");
    process.exit(1);
  }
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`Bail out! ${CHROMIUM} not found (Debian package chromium: make deps)`);
    process.exit(1);
  }
  fs.mkdirSync(shots, { recursive: true });
  for (const f of fs.readdirSync(shots)) if (/\.(png|jpg)$/.test(f)) fs.unlinkSync(path.join(shots, f));

  // The chapters, in order, from the landing page's list.
  const index = fs.readFileSync(path.join(site, "index.html"), "utf8");
  const chapters = [];
  for (const m of index.matchAll(/<li><a href="([^"#]+\.html)"><span class="chapnum">/g))
    if (!chapters.includes(m[1])) chapters.push(m[1]);
  ok(chapters.length > 0, `the landing page lists the chapters (${chapters.length})`);
  const fork = chapters.find((c) => /^\d+-fork\.html$/.test(c)) || chapters[0];

  // Page weights, shared assets (css, js, figures, search) not counted.
  const big = chapters.map((c) => [c, fs.statSync(path.join(site, c)).size])
    .sort((a, b) => b[1] - a[1]);
  ok(big.length && big[0][1] < MAX_PAGE,
    `every chapter page is under 300 KB (largest: ${big[0] && big[0][0]}, ${big[0] && Math.round(big[0][1] / 1024)} KB)`,
    big.filter((b) => b[1] >= MAX_PAGE).map((b) => `${b[0]}: ${b[1]} bytes`).join("\n"));

  const { url: base, proc: server } = await serve(site);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "forklore-chromium-"));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-dev-shm-usage"],
    env: { ...process.env, HOME: profile, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile },
  });
  const watchdog = setTimeout(() => {
    console.log("Bail out! the browser suite took more than 300 s");
    try { server.kill(); } catch (e) {}
    process.exit(1);
  }, 300000);
  try {
    const context = await browser.newContext({ viewport: { width: 960, height: 640 }, colorScheme: "light" });
    context.setDefaultTimeout(15000);
    const page = await watchedPage(context);

    // ---------------------------------------------- every page
    // three tabs at a time: the renderers share the two cores better
    const tp = Date.now();
    const tabs = [page, await watchedPage(context), await watchedPage(context)];
    // BROWSER_PAGES=N: only the first N pages (while working on the tests)
    const all = ["index.html", ...chapters].slice(0, +process.env.BROWSER_PAGES || undefined);
    const results = new Array(all.length);
    let next = 0;
    await Promise.all(tabs.map(async (tab) => {
      for (let i = next++; i < all.length; i = next++) {
        const p = all[i];
        tab.problems = [];
        try {
          await tab.goto(base + p, { waitUntil: "load" });
          await tab.screenshot({ path: path.join(shots, p.replace(/\.html$/, ".png")) });
          if (!(await tab.evaluate(() => document.documentElement.classList.contains("js"))))
            tab.problems.push("forklore.js did not run");
          results[i] = tab.problems.slice();
        } catch (e) {
          results[i] = [String(e && e.message || e)];
        }
      }
    }));
    for (const t of tabs.slice(1)) await t.close();
    all.forEach((p, i) => ok(results[i].length === 0,
      `${p}: opens with no console error or failed request, screenshot saved`, results[i].join("\n")));
    note(`${all.length} pages opened in ${((Date.now() - tp) / 1000).toFixed(1)} s`);

    // ---------------------------------------- chunk references
    // on the fork chapter, or the first that has chunk references
    // both to its own chunks and to another page's
    const hasRefs = (c) => {
      const h = fs.readFileSync(path.join(site, c), "utf8");
      return /class="nwref" href="#/.test(h) && /class="nwref" href="[^"#]+\.html#/.test(h);
    };
    const refPage = hasRefs(fork) ? fork : chapters.find(hasRefs) || fork;
    let url = base + refPage;
    await page.goto(url);
    await check(`${refPage}: clicking a chunk reference in code lands on its chunk (same page)`, async () => {
      const href = await page.$$eval("pre a.nwref", (as) => (as.find((a) => a.getAttribute("href").startsWith("#")) || {}).href);
      if (!href) return "no same-page chunk reference on the page";
      const id = decodeURIComponent(new URL(href).hash.slice(1));
      await page.click(`pre a.nwref[href="#${id}"]`);
      await page.waitForFunction((h) => location.hash === "#" + h, id);
      return page.evaluate((id) => {
        const el = document.getElementById(id);
        if (!el || !el.classList.contains("nwchunk")) return "#" + id + " is not a chunk";
        const r = el.getBoundingClientRect();
        return r.top >= 0 && r.top < innerHeight ? true : `the chunk is not in view (top ${r.top})`;
      }, id);
    });
    await page.goto(url);
    await check(`${refPage}: clicking a chunk reference to another chapter lands on its chunk`, async () => {
      const href = await page.$$eval("pre a.nwref", (as) => (as.find((a) => /\.html#/.test(a.getAttribute("href"))) || {}).href);
      if (!href) return lacking("no cross-page chunk reference on the page");
      const rel = href.slice(base.length);
      await page.click(`pre a.nwref[href="${rel}"]`);
      await page.waitForURL(href);
      await page.waitForLoadState("load");
      const id = decodeURIComponent(new URL(href).hash.slice(1));
      return page.evaluate((id) => {
        const el = document.getElementById(id);
        if (!el || !el.classList.contains("nwchunk")) return "#" + id + " is not a chunk";
        const r = el.getBoundingClientRect();
        return r.top >= 0 && r.top < innerHeight ? true : `the chunk is not in view (top ${r.top})`;
      }, id);
    });

    // ---------------------------------------- chunks in place
    // The text of a chunk (with its continuations) as its own page
    // shows it, to compare with what the ▸ brings.
    const chunkText = (href) => page.evaluate(async (href) => {
      const texts = [];
      let u = new URL(href, location.href);
      for (let i = 0; i < 30 && u; i++) {
        const doc = new DOMParser().parseFromString(await (await fetch(u.href.split("#")[0])).text(), "text/html");
        const div = doc.getElementById(decodeURIComponent(u.hash.slice(1)));
        if (!div) return null;
        texts.push(div.querySelector("pre code").textContent);
        const foot = div.querySelector(".nwfoot");
        const m = foot && /Continued in/.test(foot.textContent) ? foot.querySelector("a") : null;
        u = m ? new URL(m.getAttribute("href"), u.href) : null;
      }
      return texts;
    }, href);
    async function expandCheck(pick, what) {
      await page.goto(url);
      const i = await page.$$eval("pre a.nwref", pick);
      if (i < 0) return lacking(`no ${what} on the page`);
      const ref = page.locator("pre a.nwref").nth(i);
      const href = await ref.evaluate((a) => a.href);
      const want = await chunkText(href);
      if (!want) return `cannot read ${href}`;
      await page.locator("pre a.nwref + button.nwexpand").nth(i).click();
      const block = page.locator(".nwinline").first();
      await block.waitFor({ state: "visible" });
      const got = await block.locator(":scope > .nwinlinecode").allTextContents();
      if (page.url() !== url) return `the page changed to ${page.url()}`;
      if (got.length !== want.length) return `${got.length} pieces shown, ${want.length} expected`;
      for (let k = 0; k < got.length; k++)
        if (norm(got[k]) !== norm(want[k])) return `piece ${k + 1} differs:\n got: ${norm(got[k]).slice(0, 200)}\nwant: ${norm(want[k]).slice(0, 200)}`;
      // and it folds away again
      await page.locator("pre a.nwref + button.nwexpand").nth(i).click();
      if (await block.isVisible()) return "a second click did not hide the code";
      return true;
    }
    await check(`${refPage}: the ▸ beside a chunk reference shows the chunk's code in place`, () =>
      expandCheck((as) => as.findIndex((a) => a.getAttribute("href").startsWith("#")), "same-page reference"));
    await check(`${refPage}: the ▸ brings a chunk from another chapter's page in place`, () =>
      expandCheck((as) => as.findIndex((a) => /\.html#/.test(a.getAttribute("href"))), "cross-page reference"));
    // a page with a reference to a chunk of its own that uses chunks
    const nestPage = [refPage, ...chapters].find((c) => {
      const h = fs.readFileSync(path.join(site, c), "utf8");
      const users = new Set();
      for (const part of h.split(/(?=<div id="[^"]*" class="nwchunk")/)) {
        const m = /^<div id="([^"]*)" class="nwchunk"/.exec(part);
        if (m && /<pre[^]*class="nwref"/.test(part)) users.add(m[1]);
      }
      for (const m of h.matchAll(/class="nwref" href="#([^"]*)"/g)) if (users.has(m[1])) return true;
      return false;
    }) || refPage;
    await check(`${nestPage}: an expanded chunk's own references expand too (nested)`, async () => {
      await page.goto(base + nestPage);
      // a chunk reference whose chunk itself uses chunks
      const i = await page.$$eval("pre a.nwref", (as) => as.findIndex((a) => {
        const h = a.getAttribute("href");
        if (!h.startsWith("#")) return false;
        const d = document.getElementById(decodeURIComponent(h.slice(1)));
        return d && d.querySelector("pre a.nwref");
      }));
      if (i < 0) return "no reference to a chunk that uses chunks";
      await page.locator("pre a.nwref + button.nwexpand").nth(i).click();
      const inner = page.locator(".nwinline button.nwexpand").first();
      await inner.click();
      await page.locator(".nwinline .nwinline").first().waitFor({ state: "visible" });
      return true;
    });

    // ------------------------------------------------- search
    url = base + fork;
    await check("search: copy_process finds the fork chapter first, with a link into a chunk", async () => {
      await page.goto(base + "index.html");
      page.problems = [];
      await page.fill("#search-input", "copy_process");
      await page.locator(".search-result a.search-page").first().waitFor({ state: "visible" });
      const res = await page.$$eval(".search-result", (lis) => lis.map((li) => ({
        page: li.querySelector("a.search-page").getAttribute("href"),
        subs: Array.from(li.querySelectorAll("a.search-sub")).map((a) => a.getAttribute("href")),
      })));
      const first = res[0] && new URL(res[0].page, base).pathname.replace(/^\//, "");
      if (first !== fork) return `first result is ${first}, not ${fork}:\n${JSON.stringify(res, null, 1)}`;
      const sub = res[0].subs.find((h) => new URL(h, base).hash);
      if (!sub) return "no link into the chapter's chunks: " + JSON.stringify(res[0]);
      if (page.problems.length) return page.problems.join("\n");
      // follow it: it lands on an element of the page
      await page.click(`a.search-sub[href="${sub}"]`);
      await page.waitForURL(new URL(sub, base).href);
      const id = decodeURIComponent(new URL(sub, base).hash.slice(1));
      const there = await page.evaluate((id) => !!document.getElementById(id), id);
      return there ? true : `${sub}: no such element`;
    });
    await check("search: a chunk name finds its chunk", async () => {
      await page.goto(url);
      const name = await page.$eval(".nwchunk .nwchunkname", (s) => s.textContent);
      const id = await page.$eval(".nwchunk", (d) => d.id);
      await page.fill("#search-input", name);
      await page.locator(".search-result a.search-page").first().waitFor({ state: "visible" });
      const subs = await page.$$eval("a.search-sub", (as) => as.map((a) => a.getAttribute("href")));
      return subs.some((h) => h.endsWith(fork + "#" + id)) ? true : `"${name}": no link to ${fork}#${id} in ${subs.join(" ")}`;
    });
    // the chunks that define kernel_clone (their footers say "Defines";
    // a declaration in a header counts too)
    const defs = [];
    for (const c of chapters) {
      const h = fs.readFileSync(path.join(site, c), "utf8");
      for (const part of h.split(/(?=<div id="[^"]*" class="nwchunk")/)) {
        const m = /^<div id="([^"]*)" class="nwchunk"/.exec(part);
        if (m && /class="nwfoot"[^\n]*Defines [^\n]*<code>kernel_clone<\/code>/.test(part)) defs.push(c + "#" + m[1]);
      }
    }
    await check("search: an identifier (kernel_clone) finds a chunk that defines it first", async () => {
      if (!defs.length) return "no chunk says it defines kernel_clone";
      await page.goto(url);
      await page.fill("#search-input", "kernel_clone");
      await page.locator(".search-result a.search-page").first().waitFor({ state: "visible" });
      const first = await page.$eval(".search-result", (li) => ({
        page: li.querySelector("a.search-page").getAttribute("href"),
        subs: Array.from(li.querySelectorAll("a.search-sub")).map((a) => a.getAttribute("href")),
      }));
      if (!defs.some((d) => first.page.endsWith(d.split("#")[0]))) return `first result ${first.page}, not one of ${defs.join(" ")}`;
      return first.subs.some((h) => defs.some((d) => h.endsWith(d))) ? true :
        `no link to ${defs.join(" or ")} among ${first.subs.join(" ")}`;
    });
    await check("search: ← and → in the search box do not turn the page", async () => {
      await page.goto(url);
      await page.fill("#search-input", "fork");
      await page.focus("#search-input");
      await page.keyboard.press("ArrowLeft");
      await page.keyboard.press("ArrowRight");
      await page.waitForTimeout(300);
      return page.url() === url ? true : "went to " + page.url();
    });
    await check("search: / focuses the search box, Escape closes the results", async () => {
      await page.goto(url);
      await page.keyboard.press("/");
      const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
      if (focused !== "search-input") return "focus is on " + focused;
      await page.keyboard.type("clone3");
      await page.locator("#search-results").waitFor({ state: "visible" });
      await page.keyboard.press("Escape");
      return (await page.locator("#search-results").isHidden()) ? true : "the results stay open";
    });

    // --------------------------------------------------- keys
    await check(`keys: → goes to the next chapter, ← to the previous one`, async () => {
      await page.goto(url);
      const next = await page.$eval('link[rel="next"]', (l) => l.href);
      const prev = await page.$eval('link[rel="prev"]', (l) => l.href);
      await page.keyboard.press("ArrowRight");
      await page.waitForURL(next);
      await page.keyboard.press("ArrowLeft");
      await page.waitForURL(url);
      await page.keyboard.press("ArrowLeft");
      await page.waitForURL(prev);
      // also right after following a link in code (the focus is in a <pre>)
      await page.goto(url);
      const ref = page.locator('pre a.nwref[href^="#"], pre a.nwidref[href^="#"]').first();
      const h = await ref.getAttribute("href");
      await ref.click();
      await page.waitForURL(url + h);
      await page.keyboard.press("ArrowRight");
      await page.waitForURL(next);
      return true;
    });

    // ---------------------------------------------- dark mode
    await check("dark mode: light system, light page; the toggle makes it dark and is remembered", async () => {
      await page.goto(url);
      await page.evaluate(() => localStorage.clear());
      await page.reload();
      const l0 = luminance(await bodyBg(page));
      if (!(l0 > 0.6)) return "not light at first: " + (await bodyBg(page));
      await page.click(".theme-toggle");
      const l1 = luminance(await bodyBg(page));
      if (!(l1 < 0.3)) return "not dark after the toggle: " + (await bodyBg(page));
      await page.goto(base + chapters[0]);
      const l2 = luminance(await bodyBg(page));
      if (!(l2 < 0.3)) return "not remembered on another page: " + (await bodyBg(page));
      await page.click(".theme-toggle");
      const l3 = luminance(await bodyBg(page));
      const stored = await page.evaluate(() => localStorage.getItem("forklore-theme"));
      if (!(l3 > 0.6)) return "not light after a second toggle";
      return stored === null ? true : "back to the system's choice should forget it, stored " + stored;
    });
    await check("dark mode: a dark system gives a dark page without the toggle", async () => {
      const dark = await browser.newContext({ viewport: { width: 1100, height: 720 }, colorScheme: "dark" });
      try {
        const p = await watchedPage(dark);
        await p.goto(url);
        await p.screenshot({ path: path.join(shots, "dark.png") });
        const l = luminance(await bodyBg(p));
        if (!(l < 0.3)) return "not dark: " + (await bodyBg(p));
        await p.click(".theme-toggle");
        const l2 = luminance(await bodyBg(p));
        return l2 > 0.6 ? true : "the toggle did not make it light: " + (await bodyBg(p));
      } finally { await dark.close(); }
    });

    // ------------------------------------------------ a phone
    await check("phone: the sidebar is a menu behind ☰, and the page does not scroll sideways", async () => {
      const phone = await browser.newContext({ viewport: { width: 390, height: 800 }, deviceScaleFactor: 1, colorScheme: "light" });
      try {
        const p = await watchedPage(phone);
        await p.goto(url);
        if (await p.locator("#book-toc").isVisible()) return "the sidebar shows on a phone";
        if (!(await p.locator(".menu-toggle").isVisible())) return "no menu button";
        if (!(await p.locator("#search-input").isVisible())) return "no search box";
        const sw = await p.evaluate(() => document.documentElement.scrollWidth);
        if (sw > 392) return `the page is ${sw}px wide on a 390px screen`;
        await p.screenshot({ path: path.join(shots, "phone.png") });
        await p.click(".menu-toggle");
        if (!(await p.locator("#book-toc").isVisible())) return "the menu button does not show the sidebar";
        await p.screenshot({ path: path.join(shots, "phone-menu.png") });
        await p.keyboard.press("Escape");
        if (await p.locator("#book-toc").isVisible()) return "Escape does not close the menu";
        return p.problems.length ? p.problems.join("\n") : true;
      } finally { await phone.close(); }
    });

    // --------------------------------------- identifier preview
    await check("identifiers: data-preview shows in a popup on hover and on focus", async () => {
      await page.goto(url);
      // b6a's filters add data-preview; give one to an identifier link
      // if none has it yet, so that the popup itself is tested.
      const sel = await page.evaluate(() => {
        let a = document.querySelector("pre a.nwidref[data-preview]");
        if (!a) {
          a = document.querySelector("pre a.nwidref");
          if (!a) return null;
          a.setAttribute("data-preview", "struct preview_test {\n\tint x;\n};");
        }
        a.setAttribute("data-test", "preview");
        return a.getAttribute("data-preview");
      });
      if (!sel) return "no identifier link in code";
      const a = page.locator('a[data-test="preview"]');
      await a.scrollIntoViewIfNeeded();
      await a.hover();
      const pop = page.locator(".nwpreview");
      await pop.waitFor({ state: "visible" });
      const text = await pop.locator("pre").textContent();
      if (norm(text) !== norm(sel)) return `popup says ${text}`;
      await page.mouse.move(1, 1);
      await pop.waitFor({ state: "hidden" });
      await a.focus();
      await pop.waitFor({ state: "visible" });
      return true;
    });

    // ------------------------------------- breadcrumbs and print
    await check("breadcrumbs: they name the section being read", async () => {
      await page.goto(url);
      const h = page.locator("main h2[id]").nth(1);
      const title = norm(await h.textContent());
      await h.evaluate((e) => e.scrollIntoView());
      await page.waitForTimeout(150);
      const crumb = norm(await page.locator(".breadcrumbs .crumb-section").textContent());
      return crumb === title ? true : `crumb "${crumb}", section "${title}"`;
    });
    await check("print: no sidebar, header, buttons or page links on paper", async () => {
      await page.goto(url);
      await page.emulateMedia({ media: "print" });
      const shown = await page.evaluate(() =>
        [".book-toc", ".book-header", ".prevnext", "button.nwexpand", ".breadcrumbs"]
          .filter((s) => { const e = document.querySelector(s); return e && getComputedStyle(e).display !== "none"; }));
      await page.emulateMedia({ media: "screen" });
      return shown.length ? "still shown: " + shown.join(", ") : true;
    });
    await context.close();
  } finally {
    clearTimeout(watchdog);
    await browser.close();
    server.kill();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  note(`screenshots in ${path.relative(root, shots)}/, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`1..${n}`);
  process.exit(failures ? 1 : 0);
}

main().catch((e) => {
  console.log("Bail out! " + (e && e.stack ? e.stack.split("\n").join(" | ") : e));
  process.exit(1);
});
