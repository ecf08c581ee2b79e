// Clicks through Qabilet's web pages in headless Chromium as each role.
//
// Started by scripts/browser-tests, which runs a server on demo data with demo
// accounts and passes: QABILET_URL, QABILET_ACCOUNTS (the demo-accounts.txt file),
// ARTIFACTS (where screenshots go) and CHROMIUM (the browser binary).
import { chromium } from "playwright-core";
import { createHash, createHmac } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { competitionWalks } from "./whole_competition.mjs";
import { oversightWalks } from "./oversight.mjs";

const BASE = process.env.QABILET_URL ?? "http://127.0.0.1:8080";
const ARTIFACTS = process.env.ARTIFACTS ?? "target/browser-artifacts";
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
mkdirSync(ARTIFACTS, { recursive: true });

// "role  user-id  password  totp-secret" lines, and the demo vacancy and candidate
// profile named in the comment lines.
const accountsText = readFileSync(process.env.QABILET_ACCOUNTS, "utf8");
// By role (the first account of each) and by user id.
const accounts = {};
const byId = {};
for (const line of accountsText.split("\n")) {
  const m = line.match(/^(\w+)\s+(\S+)\s+(\S+)\s+(\S+)$/);
  if (m && !line.startsWith("#")) {
    const account = { id: m[2], password: m[3], totp: m[4] === "-" ? null : m[4] };
    accounts[m[1]] ??= account;
    byId[m[2]] = account;
  }
}

// RFC 6238 TOTP (SHA-1, 6 digits, 30 s), as an authenticator app computes it.
function base32(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of text.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}
function totpAt(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", base32(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, "0");
}
// A code is accepted once per step (and for the next step too): keep the last step
// used per secret and wait for a fresh one when both are spent.
const lastStep = new Map();
async function freshCode(secret) {
  for (;;) {
    const now = Math.floor(Date.now() / 1000 / 30);
    const used = lastStep.get(secret) ?? -1;
    const step = [now, now + 1].find((s) => s > used);
    if (step !== undefined) {
      lastStep.set(secret, step);
      return totpAt(secret, step);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
const demoVacancy = accountsText.match(/seated on (\S+)/)[1];
const matchVacancy = accountsText.match(/reserve matches for ([^\s;]+)/)?.[1];
const candidateProfile = accountsText.match(/candidate profile ([^\s:]+)/)[1];
// The id `POST /vacancies/{id}/applications` gives the pair (see competition::apply).
const candidateApplication =
  "A-" + createHash("sha256").update(`${demoVacancy}\n${candidateProfile}`).digest("hex").slice(0, 24);

const FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

let step = 0;
const results = [];
async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push(`ok   ${name} (${Date.now() - started} ms)`);
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    console.log(`FAIL ${name}: ${e.message}`);
    throw e;
  }
}

// What each page costs on the wire (HTML, compressed) and in the DOM: pages must
// stay light for candidates on slow mobile connections.
const sizes = [];
async function shot(page, name) {
  step += 1;
  const file = join(ARTIFACTS, `${String(step).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  const size = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const scripts = document.querySelectorAll("script").length;
    const inline = document.querySelectorAll("script:not([src])").length;
    return { html: nav?.encodedBodySize ?? 0, decoded: nav?.decodedBodySize ?? 0, scripts, inline };
  });
  assert.equal(size.inline, 0, `${name} has no inline scripts (the CSP refuses them)`);
  assert.ok(size.scripts <= 1, `${name} loads at most the one page script`);
  // Accessibility basics on every page: one h1, every field labelled, the skip link.
  const a11y = await page.evaluate(() => ({
    h1: document.querySelectorAll("h1").length,
    unlabelled: [...document.querySelectorAll("input:not([type=hidden]),select,textarea")]
      .filter((el) => !el.labels || el.labels.length === 0).map((el) => el.name),
    skip: document.querySelector("a.skip")?.getAttribute("href"),
    lang: document.documentElement.lang,
  }));
  assert.equal(a11y.h1, 1, `${name}: one h1`);
  assert.deepEqual(a11y.unlabelled, [], `${name}: every field has a label`);
  assert.equal(a11y.skip, "#main", `${name}: skip link`);
  assert.ok(["kk", "ru", "en"].includes(a11y.lang), `${name}: lang attribute`);
  sizes.push(`${name}: ${size.html} B on the wire (${size.decoded} B HTML)`);
}

/** A fresh browser profile per person, so no cookie leaks between roles. */
async function asPerson(fn) {
  const dir = mkdtempSync(join(tmpdir(), "qabilet-chromium-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1200, height: 900 },
    locale: "en-GB",
  });
  context.setDefaultTimeout(15_000);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    // Anything the Content-Security-Policy blocks is a defect of the pages.
    const violations = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await fn(page);
    assert.deepEqual(violations, [], "no CSP violations");
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function signIn(page, role) {
  const a = typeof role === "string" ? accounts[role] : role;
  assert.ok(a, `no ${role} account in the accounts file`);
  await page.goto(`${BASE}/web`);
  await page.getByLabel(/User id|Пайдаланушы|Идентификатор/).fill(a.id);
  await page.getByLabel(/^(Password|Құпиясөз|Пароль)$/).fill(a.password);
  if (a.totp) await page.getByLabel(/One-time code|Бір реттік код|Одноразовый код/).fill(await freshCode(a.totp));
  await page.getByRole("button", { name: /^(Sign in|Кіру|Войти)$/ }).last().click();
  await page.waitForLoadState();
  assert.doesNotMatch(page.url(), /\/web\/login/, `${role} signed in`);
}

async function signOut(page) {
  await page.getByRole("button", { name: /^(Sign out|Шығу|Выйти)$/ }).click();
  await page.waitForLoadState();
  assert.match(page.url(), /\/web\/login/);
}

async function setEnglish(page) {
  await page.getByRole("button", { name: "ENG" }).click();
  await page.waitForLoadState();
  assert.equal(await page.getAttribute("html", "lang"), "en");
}

await check("keyboard, language switch and low-vision mode on the login page", async () => {
  await asPerson(async (page) => {
    await page.goto(`${BASE}/web`);
    assert.match(page.url(), /\/web\/login/);
    // The first Tab lands on the visible skip link, with a visible focus ring.
    await page.keyboard.press("Tab");
    const skip = await page.evaluate(() => {
      const el = document.activeElement;
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return { cls: el.className, x: box.left, outline: style.outlineStyle };
    });
    assert.equal(skip.cls, "skip");
    assert.ok(skip.x >= 0, "the focused skip link is on screen");
    assert.notEqual(skip.outline, "none", "focus is visible");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement.id), "main");
    // Every form field has a label.
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll("input:not([type=hidden]),select,textarea")]
        .filter((el) => !el.labels || el.labels.length === 0).length);
    assert.equal(unlabelled, 0);
    // Language switch: Kazakh, Russian, English; remembered across pages.
    await page.getByRole("button", { name: "ҚАЗ" }).click();
    assert.equal(await page.getAttribute("html", "lang"), "kk");
    assert.equal(await page.textContent("h1"), "Кіру");
    await page.getByRole("button", { name: "РУС" }).click();
    assert.equal(await page.getAttribute("html", "lang"), "ru");
    assert.equal(await page.textContent("h1"), "Войти");
    await shot(page, "login-ru");
    await setEnglish(page);
    await page.reload();
    assert.equal(await page.textContent("h1"), "Sign in");
    // Low-vision mode: larger text, high contrast, remembered.
    const before = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    await page.locator("#vision-toggle").click();
    await page.waitForLoadState();
    assert.equal(await page.getAttribute("body", "class"), "lv");
    const after = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    assert.ok(after > before, `font grows in low-vision mode (${before} → ${after})`);
    await shot(page, "login-low-vision");
    await page.locator("#vision-toggle").click();
    assert.equal(await page.getAttribute("body", "class"), null);
  });
});

await check("candidate: search → vacancy → apply → see the stages", async () => {
  await asPerson(async (page) => {
    await signIn(page, "candidate");
    await page.getByRole("button", { name: "ҚАЗ" }).click();
    await page.waitForLoadState();
    assert.equal(await page.textContent("h1"), "Бос орындарды іздеу");
    await shot(page, "candidate-search-kk");
    await setEnglish(page);
    assert.match(page.url(), /\/web\/vacancies/);
    await shot(page, "candidate-search");
    // Search with the first word of the first listed vacancy's title.
    const first = (await page.locator(".results h3 a").first().textContent()).trim();
    const word = first.split(/\s+/).find((w) => w.length > 4) ?? first.split(/\s+/)[0];
    await page.getByLabel("What are you looking for").fill(word);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.waitForLoadState();
    assert.match(page.url(), /q=/);
    const hits = await page.locator(".results > li").count();
    assert.ok(hits > 0, `"${word}" finds something`);
    await shot(page, "candidate-search-results");
    // A region filter narrows the list and stays selected.
    const region = await page.locator("#region option").nth(1).getAttribute("value");
    await page.selectOption("#region", region);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.waitForLoadState();
    assert.equal(await page.inputValue("#region"), region);
    // Open vacancies until one the candidate has not applied to.
    await page.goto(`${BASE}/web/vacancies`);
    const links = await page.locator(".results h3 a").evaluateAll((as) => as.map((a) => a.href));
    let applied = false;
    for (const href of links) {
      await page.goto(href);
      if ((await page.locator("#apply").count()) === 0) continue;
      assert.ok((await page.locator("table").count()) === 1, "requirements table shown");
      assert.match(await page.textContent("main"), /Does your profile meet the requirements/);
      await shot(page, "candidate-vacancy");
      await page.locator("#apply").click();
      await page.waitForLoadState();
      applied = true;
      break;
    }
    assert.ok(applied, "some vacancy is open to apply");
    assert.match(page.url(), /\/web\/applications\?applied=/);
    assert.match(await page.textContent("[role=status]"), /received/);
    // The demo competition is at the interview stage for this candidate.
    assert.match(await page.textContent("main"), /Test: Passed/);
    await shot(page, "candidate-applications");
    // The menu's "Vacancies for you": open vacancies ranked for the own profile,
    // each with the requirements met.
    await page.getByRole("link", { name: "Vacancies for you" }).click();
    await page.waitForLoadState();
    assert.equal(await page.textContent("h1"), "Vacancies for you");
    const ranked = await page.locator("ol.results > li").count();
    assert.ok(ranked > 0, "the demo candidate gets vacancies");
    assert.match(await page.locator("ol.results > li").first().textContent(), /Requirements met|You meet every requirement/);
    await shot(page, "candidate-for-you");
    // Candidates are refused the HR pages with a 403 page.
    const response = await page.goto(`${BASE}/web/hr`);
    assert.equal(response.status(), 403);
    assert.equal(await page.textContent("h1"), "Access refused");
  });
});

await check("commission: declare → explained shortlist → record a stage result → protocol", async () => {
  await asPerson(async (page) => {
    await signIn(page, "commission");
    await setEnglish(page);
    assert.match(page.url(), /\/web\/commission/);
    assert.match(await page.textContent("main"), /Declaration needed/);
    await page.locator(`a[href="/web/shortlist/${demoVacancy}"]`).click();
    await page.waitForLoadState();
    assert.match(await page.textContent("h2"), /Declaration of no conflict of interest/);
    await shot(page, "commission-declaration");
    // The checkbox is required: submitting without it stays on the page.
    await page.locator("#declare").click();
    assert.equal(await page.locator(".entry").count(), 0);
    await page.getByLabel(/no conflict of interest and no family/).check();
    await page.locator("#declare").click();
    await page.waitForLoadState();
    const ranked = await page.locator("ol.results > li.entry").count();
    assert.ok(ranked > 0, "ranked applicants are listed");
    assert.ok((await page.locator("svg.chart[role=img]").count()) >= ranked, "each rank has a chart");
    assert.match(await page.textContent("main"), /Blind mode is on/);
    assert.match(await page.textContent("main"), /Ineligible candidates/);
    await shot(page, "commission-shortlist");
    // Record the interview of the demo candidate's application.
    const entry = page.locator(`#app-${candidateApplication}`);
    await entry.getByText("Record a result: Interview").click();
    await entry.getByLabel("Outcome").selectOption("passed");
    await entry.getByLabel("Score (optional, 0–1000)").fill("82");
    await entry.getByLabel("Reason (required)").fill("Answered every question on public procurement law.");
    await entry.getByRole("button", { name: "Save" }).click();
    await page.waitForLoadState();
    assert.match(await page.locator(`#app-${candidateApplication}`).textContent(), /Interview: Passed \(82\)/);
    // Names on request, and the printable protocol.
    await page.locator("#blind-toggle").click();
    await page.waitForLoadState();
    assert.match(await page.textContent("main"), /Blind mode is off/);
    await page.getByRole("link", { name: "Decision protocol" }).click();
    await page.waitForLoadState();
    assert.match(await page.textContent("main"), /Answered every question/);
    await shot(page, "commission-protocol");
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.locator("header").isVisible(), false, "print hides the header");
    await page.pdf?.({ path: join(ARTIFACTS, "commission-protocol.pdf") }).catch(() => {});
    await page.emulateMedia({ media: "screen" });
  });
});

await check("candidate sees the commission's result", async () => {
  await asPerson(async (page) => {
    await signIn(page, "candidate");
    await setEnglish(page);
    await page.goto(`${BASE}/web/applications`);
    assert.match(await page.textContent("main"), /Interview: Passed \(82\)/);
  });
});

await check("HR: vacancies, reserve with filters and expiry, fairness report, reserve matches", async () => {
  await asPerson(async (page) => {
    await signIn(page, "hr");
    await setEnglish(page);
    assert.match(page.url(), /\/web\/hr$/);
    await shot(page, "hr-vacancies");
    await page.getByRole("link", { name: "Talent reserve" }).first().click();
    await page.waitForLoadState();
    const active = await page.locator("tbody tr").count();
    await shot(page, "hr-reserve");
    await page.getByLabel("Hide expired entries").uncheck();
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForLoadState();
    const all = await page.locator("tbody tr").count();
    assert.ok(all > active, `expired entries appear when asked (${active} → ${all})`);
    assert.match(await page.textContent("main"), /Expired/);
    await page.selectOption("#kind", "second_best");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForLoadState();
    assert.ok((await page.locator("tbody tr").count()) < all, "the kind filter narrows the list");
    // The organisation's impact ratios per stage, over its decided competitions.
    await page.goto(`${BASE}/web/fairness`);
    assert.ok((await page.locator("svg.chart[role=img]").count()) >= 1, "fairness chart drawn");
    assert.match(await page.textContent("main"), /Impact ratio/);
    await shot(page, "hr-fairness");
    await page.goto(`${BASE}/web/hr/vacancies/${matchVacancy ?? demoVacancy}/matches`);
    assert.match(await page.textContent("main"), /Nothing is sent/);
    if (matchVacancy) assert.ok((await page.locator("tbody tr").count()) > 0, "reserve matches listed");
    await shot(page, "hr-matches");
    // HR may not use the candidate pages.
    const response = await page.goto(`${BASE}/web/applications`);
    assert.equal(response.status(), 403);
  });
});

await check("HR: proctoring queue, a flag's evidence charts, confirming it with a comment", async () => {
  await asPerson(async (page) => {
    await signIn(page, "hr");
    await setEnglish(page);
    await page.getByRole("link", { name: "Proctoring flags" }).first().click();
    await page.waitForLoadState();
    assert.match(page.url(), /\/web\/proctoring$/);
    assert.match(await page.textContent("main"), /never a verdict/);
    const rows = await page.locator("tbody tr").count();
    assert.ok(rows >= 2, `the demo analysis queued flags (${rows})`);
    const detectors = new Set(await page.locator("tbody tr td:nth-child(2) a").allTextContents());
    assert.ok(detectors.size >= 2, `flags of several kinds: ${[...detectors].join(", ")}`);
    await shot(page, "proctoring-queue");
    // The copying pair: its page has the answer grid as well as both sessions' charts.
    await page.getByRole("link", { name: "Answer similarity (pair)" }).first().click();
    await page.waitForLoadState();
    assert.match(await page.textContent("h1"), /Proctoring flag/);
    assert.equal(await page.locator("svg.chart.timeline[role=img]").count() + await page.locator("main p", { hasText: "No client events" }).count(), 2, "a timeline per session");
    assert.equal(await page.locator("svg.chart.rt[role=img]").count(), 2, "response times per session");
    assert.ok((await page.locator("td.same-wrong").count()) > 0, "same wrong answers marked");
    assert.equal(await page.locator("svg.chart.pair-timelines[role=img]").count(), 1, "both answer timelines on one clock");
    for (const svg of await page.locator("svg.chart").all()) {
      assert.ok(((await svg.getAttribute("aria-label")) ?? "").length > 20, "every chart has a text alternative");
    }
    await page.locator("details summary", { hasText: "Data table: Response time" }).first().click();
    assert.ok(await page.locator("details[open] table tbody tr").first().isVisible(), "data table opens");
    await shot(page, "proctoring-flag");
    await page.getByLabel("Comment (required)").fill("Twenty identical wrong answers with the neighbouring seat; confirmed after checking the room plan.");
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.waitForLoadState();
    const decision = await page.textContent("#decision");
    assert.match(decision, /Confirmed/);
    assert.match(decision, /demo-hr/);
    assert.match(decision, /room plan/);
    assert.equal(await page.locator("textarea[name=comment]").count(), 0, "no second decision");
    await page.locator("#decision").scrollIntoViewIfNeeded();
    await shot(page, "proctoring-confirmed");
    await page.goto(`${BASE}/web/proctoring?status=confirmed`);
    assert.equal(await page.locator("tbody tr").count(), 1, "the confirmed filter shows it");
  });
  await asPerson(async (page) => {
    await signIn(page, "candidate");
    const response = await page.goto(`${BASE}/web/proctoring`);
    assert.equal(response.status(), 403, "candidates may not see the queue");
  });
});

await check("HR: a rapid responder's flag plots response times against the cohort median with rapid answers marked", async () => {
  await asPerson(async (page) => {
    await signIn(page, "hr");
    await setEnglish(page);
    await page.goto(`${BASE}/web/proctoring`);
    await page.getByRole("link", { name: "Rapid guessing" }).first().click();
    await page.waitForLoadState();
    assert.match(await page.textContent("h1"), /Proctoring flag: Rapid guessing/);
    const chart = page.locator("svg.chart.rt[role=img]");
    assert.equal(await chart.count(), 1, "one response-time chart");
    assert.match((await chart.getAttribute("aria-label")) ?? "", /rapid answers/);
    const marks = await page.locator("svg.chart.rt polygon.rapid-mark").count();
    assert.ok(marks >= 10, `rapid answers marked (${marks})`);
    assert.ok((await page.locator("svg.chart.rt line.rapid-threshold").count()) > 0, "each item's rapid threshold drawn");
    const caption = page.locator("figure", { has: page.locator("svg.chart.rt") }).locator("figcaption");
    assert.match(await caption.textContent(), /rapid answer/);
    await page.locator("details summary", { hasText: "Data table: Response time" }).first().click();
    const rapidRows = await page.locator("details[open] table tbody tr", { hasText: "Yes (<" }).count();
    assert.equal(rapidRows, marks, "the data table lists every rapid answer");
    await page.locator("details summary", { hasText: "Detector figures" }).click();
    assert.match(await page.textContent("main"), /response time effort/);
    await shot(page, "proctoring-rapid-responder");
  });
});

await check("admin: create a commission member; they set up TOTP from the QR page and sign in with a code", async () => {
  let password;
  await asPerson(async (page) => {
    await signIn(page, "admin");
    await page.goto(`${BASE}/web/admin`);
    await setEnglish(page);
    await shot(page, "admin-accounts");
    await page.locator("#new-id").fill("browser-member");
    await page.locator("#new-role").selectOption("commission");
    await page.getByRole("button", { name: "Create", exact: true }).first().click();
    await page.waitForLoadState();
    password = (await page.textContent("#shown-once")).trim();
    assert.match(password, /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/, "a made-up password is shown once");
    assert.ok(await page.locator("tr[data-user=browser-member]").isVisible());
  });
  const member = { id: "browser-member", password, totp: null };
  await asPerson(async (page) => {
    accounts.member = member;
    await page.goto(`${BASE}/web/login`);
    await setEnglish(page);
    await page.getByLabel("User id").fill(member.id);
    await page.getByLabel(/^Password$/).fill(member.password);
    await page.getByRole("button", { name: /^Sign in$/ }).last().click();
    await page.waitForLoadState();
    // The role must have a second factor: nothing else until it is set up.
    assert.match(page.url(), /\/web\/account\/second-factor/);
    assert.equal(await page.locator("figure.qr svg").count(), 1, "a QR code");
    await shot(page, "totp-enrolment");
    const blocked = await page.goto(`${BASE}/web/commission`);
    assert.match(page.url(), /\/web\/account\/second-factor/, `sent back to set-up (${blocked.status()})`);
    member.totp = (await page.textContent("#totp-secret")).trim();
    await page.getByLabel("One-time code").fill(await freshCode(member.totp));
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.waitForLoadState();
    assert.equal(await page.locator("#recovery-codes li").count(), 10, "ten recovery codes");
    await shot(page, "totp-recovery-codes");
    await page.getByRole("link", { name: "Continue" }).click();
    await page.waitForLoadState();
    assert.match(page.url(), /\/web\/commission/);
    await signOut(page);
    // The old session is over; signing in now needs the code.
    await page.getByLabel("User id").fill(member.id);
    await page.getByLabel(/^Password$/).fill(member.password);
    await page.getByRole("button", { name: /^Sign in$/ }).last().click();
    await page.waitForLoadState();
    assert.match(page.url(), /\/web\/login/, "no code, no entry");
    assert.match(await page.textContent("#login-error"), /Wrong user id, password or code/);
    await signIn(page, "member");
    assert.match(page.url(), /\/web\/commission/);
    await page.goto(`${BASE}/web/account`);
    await shot(page, "account");
    assert.ok((await page.locator("table tbody tr").count()) >= 1, "own sessions listed");
  });
});

await competitionWalks({ check, asPerson, signIn, shot, BASE, ARTIFACTS, byId, demoVacancy });
await oversightWalks({ check, asPerson, signIn, shot, BASE });

console.log(`\npage weights (the stylesheet is cached after the first page):\n  ${sizes.join("\n  ")}`);
console.log(`\n${results.length} browser checks passed; screenshots in ${ARTIFACTS}`);
