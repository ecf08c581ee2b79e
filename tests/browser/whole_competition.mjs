// The whole competition walked by each audience, in Kazakh and Russian, with a
// screenshot per step (issue 16's "done when"):
//   1. HR (ru) creates a vacancy in the editor, seats two members and publishes;
//   2. two people register (kk, ru), fill their profiles (one from a CV file),
//      give reserve consent and apply to two vacancies in order of preference;
//   3. both members declare (kk, ru); HR (kk) records the qualification and the
//      test; one member records the interviews and the decisions, one against the
//      ranking with the deviation's reason; the protocol PDF is downloaded and
//      read: the members and the audit-chain hash are in it;
//   4. the runner-up enters the reserve; HR publishes a like vacancy, and the
//      runner-up's inbox shows a stage result and the reserve offer.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const LANG_BUTTON = { kk: "ҚАЗ", ru: "РУС" };

async function setLanguage(page, lang) {
  await page.getByRole("button", { name: LANG_BUTTON[lang] }).click();
  await page.waitForLoadState();
  assert.equal(await page.getAttribute("html", "lang"), lang);
}

async function submit(page, selector) {
  await Promise.all([page.waitForLoadState(), page.locator(selector).click()]);
  await page.waitForLoadState();
}

function inDays(days) {
  const d = new Date(Date.now() + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** HR's editor: a B-4 post whose requirements fit the directory's entry. */
async function createVacancy(page, { shot, BASE }, title, tag) {
  await page.goto(`${BASE}/web/hr/vacancies/new`);
  await page.locator("#title").fill(title);
  await page.locator("#category").fill("B-4");
  await page.selectOption("#region", "astana");
  await page.selectOption("#language", "ru");
  await page.locator("#deadline").fill(inDays(20));
  await page.locator("#description").fill(
    "Бюджетное планирование и финансовая отчётность по МСФО; работа в 1С.",
  );
  await page.selectOption("#education_level", "higher");
  await page.locator("#min_years_total").fill("2");
  await page.locator("#competencies").fill("бюджетное планирование, МСФО, 1С");
  await shot(page, `hr-ru-${tag}-editor`);
  await submit(page, "#save-vacancy");
  const m = page.url().match(/\/web\/hr\/vacancies\/([^/?]+)\?done=created/);
  assert.ok(m, `saved: ${page.url()}`);
  return decodeURIComponent(m[1]);
}

async function publish(page, { shot }, tag) {
  await submit(page, "#status-open");
  assert.equal((await page.textContent("#status")).trim(), "open");
  await shot(page, `hr-ru-${tag}-published`);
}

/** A person registers, fills the profile, consents to the reserve, and applies. */
async function candidateWalk(page, h, { lang, user, name, cv, vacancies, moveUp }) {
  const { BASE, shot } = h;
  await page.goto(`${BASE}/web/login`);
  await setLanguage(page, lang);
  await submit(page, "#register-link");
  await shot(page, `candidate-${lang}-register`);
  await page.locator("#user_id").fill(user);
  await page.locator("#full_name").fill(name);
  await page.locator("#email").fill(`${user}@example.kz`);
  await page.selectOption("#region", "astana");
  await page.selectOption("#language", lang);
  await page.locator("#password").fill("a long enough passphrase 7");
  await page.locator("#password_again").fill("a long enough passphrase 7");
  await page.locator("#consent").check();
  await submit(page, "#register");
  assert.match(page.url(), /\/web\/profile\?welcome=1/);
  await shot(page, `candidate-${lang}-welcome`);
  if (cv) {
    await page.locator("#cv").setInputFiles(cv);
    await submit(page, "#upload-cv");
    assert.match(page.url(), /\/web\/profile\?cv=1/);
    assert.match(await page.inputValue("#summary"), /Қазақстан/);
    await shot(page, `candidate-${lang}-cv-read`);
  } else {
    await page.locator("#summary").fill("Бюджетное планирование в министерстве, отчётность по МСФО.");
  }
  await page.locator("#education-0--specialty").fill("Финансы");
  await page.locator("#education-0--institution").fill("ЕНУ им. Л. Н. Гумилёва");
  await page.locator("#education-0--year").fill("2012");
  await page.locator("#experience-0--organisation").fill("Министерство финансов");
  await page.locator("#experience-0--position").fill("Главный эксперт по бюджетному планированию");
  await page.locator("#experience-0--start").fill("2016-03-01");
  await page.locator("#skills").fill("бюджетное планирование, МСФО, 1С");
  await page.selectOption("#languages-kk", "native");
  await page.selectOption("#languages-ru", "fluent");
  await submit(page, "#save-profile");
  assert.match(page.url(), /\/web\/profile\?saved=1/, await page.textContent("main"));
  await shot(page, `candidate-${lang}-profile-saved`);
  await page.goto(`${BASE}/web/consents`);
  await submit(page, "#grant-reserve");
  assert.equal(await page.locator("#revoke-reserve").count(), 1);
  await shot(page, `candidate-${lang}-consents`);
  for (const v of vacancies) {
    await page.goto(`${BASE}/web/vacancies/${encodeURIComponent(v)}`);
    await submit(page, "#apply");
    assert.match(page.url(), /\/web\/applications\?applied=/);
  }
  await shot(page, `candidate-${lang}-two-applications`);
  const appOf = async (v) => {
    const section = page.locator("section.entry", { has: page.locator(`h2 a[href="/web/vacancies/${v}"]`) });
    return (await section.getAttribute("aria-labelledby")).replace(/^h-/, "");
  };
  const first = await appOf(vacancies[0]);
  const second = await appOf(vacancies[1]);
  assert.match(await page.textContent(`#rank-${first}`), /1 \/ 2/);
  assert.match(await page.textContent(`#rank-${second}`), /2 \/ 2/);
  if (moveUp) {
    await submit(page, `#up-${second}`);
    assert.match(await page.textContent(`#rank-${second}`), /1 \/ 2/);
    await shot(page, `candidate-${lang}-preferences`);
  }
  return first;
}

async function declare(page, { BASE, shot }, vacancy, who) {
  await page.goto(`${BASE}/web/shortlist/${encodeURIComponent(vacancy)}`);
  await page.locator("#no_conflict").check();
  await submit(page, "#declare");
  assert.ok((await page.locator("ol.results > li.entry").count()) >= 2, "two applicants ranked");
  await shot(page, `${who}-declared`);
}

async function record(page, application, { outcome, score, reason, deviation }) {
  const entry = page.locator(`#app-${application}`);
  await entry.locator("details", { has: page.locator(`#outcome-${application}`) }).locator("summary").click();
  await entry.locator(`#outcome-${application}`).selectOption(outcome);
  if (score !== undefined) await entry.locator(`#score-${application}`).fill(String(score));
  await entry.locator(`#reason-${application}`).fill(reason);
  if (deviation) await entry.locator(`#deviation-${application}`).fill(deviation);
  const [response] = await Promise.all([page.waitForNavigation(), entry.locator("button[type=submit]").click()]);
  assert.ok(response.status() < 400, `recorded ${outcome}: ${response.status()} ${await page.textContent("main")}`);
}

export async function competitionWalks(h) {
  const { check, asPerson, signIn, shot, BASE, ARTIFACTS, byId, demoVacancy } = h;
  let vacancy;
  const stamp = Date.now().toString(36);
  const people = [
    { lang: "kk", user: `aru.${stamp}`, name: "Ару Серікқызы", cv: join(process.cwd(), "cv/tests/fixtures/cv-libreoffice.docx") },
    { lang: "ru", user: `oleg.${stamp}`, name: "Олег Ким", moveUp: true },
  ];

  await check("HR (ru): create a vacancy in the editor, seat two members, publish", async () => {
    await asPerson(async (page) => {
      await signIn(page, "hr");
      await setLanguage(page, "ru");
      vacancy = await createVacancy(page, h, "Главный специалист по бюджетному планированию", "first");
      await shot(page, "hr-ru-draft");
      for (const member of ["demo-commission", "demo-commission-2"]) {
        await page.selectOption("#user_id", member);
        await submit(page, "#seat");
        assert.equal(await page.locator(`#unseat-${member}`).count(), 1, `${member} seated`);
      }
      await shot(page, "hr-ru-seated");
      await publish(page, h, "first");
    });
  });

  await check("candidates (kk, ru): register, fill the profile, apply to two vacancies by preference", async () => {
    for (const person of people) {
      await asPerson(async (page) => {
        person.application = await candidateWalk(page, h, { ...person, vacancies: [vacancy, demoVacancy] });
      });
    }
  });

  await check("commission (kk, ru) and HR (kk): declare, record every stage with a deviation, protocol PDF", async () => {
    await asPerson(async (page) => {
      await signIn(page, byId["demo-commission-2"]);
      await setLanguage(page, "ru");
      await declare(page, h, vacancy, "commission-ru");
    });
    await asPerson(async (page) => {
      await signIn(page, "hr");
      await setLanguage(page, "kk");
      await declare(page, h, vacancy, "hr-kk");
      for (const [i, p] of people.entries()) {
        await record(page, p.application, { outcome: "passed", reason: "Біліктілік талаптарына сай." });
        await record(page, p.application, { outcome: "passed", score: 80 - i * 5, reason: "Тест тапсырылды." });
      }
      await shot(page, "hr-kk-qualification-and-test");
    });
    await asPerson(async (page) => {
      await signIn(page, byId["demo-commission"]);
      await setLanguage(page, "kk");
      await declare(page, h, vacancy, "commission-kk");
      for (const p of people) {
        await record(page, p.application, { outcome: "passed", score: 70, reason: "Сұхбат сәтті өтті." });
      }
      // The ranking's first is not chosen; the second is, against the ranking.
      const order = await page.locator("ol.results > li.entry").evaluateAll((ls) => ls.map((l) => l.id.replace(/^app-/, "")));
      const [top, next] = order.filter((id) => people.some((p) => p.application === id));
      await record(page, top, { outcome: "failed", reason: "Комиссия дауыс берді: 1 қарсы." });
      await shot(page, "commission-kk-first-decision");
      await record(page, next, {
        outcome: "passed",
        reason: "Комиссия дауыс берді: 2 жақтап.",
        deviation: "Сұхбатта бюджеттік жоспарлаудың нақты тәжірибесін көрсетті.",
      });
      await shot(page, "commission-kk-decided");
      people.find((p) => p.application === top).runnerUp = true;
      const pdf = await page.request.get(`${BASE}/web/shortlist/${encodeURIComponent(vacancy)}/protocol.pdf`);
      assert.equal(pdf.status(), 200);
      assert.equal(pdf.headers()["content-type"], "application/pdf");
      const file = join(ARTIFACTS, "protocol.pdf");
      writeFileSync(file, await pdf.body());
      const text = execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"], { encoding: "utf8" });
      for (const member of ["demo-commission", "demo-commission-2"]) assert.ok(text.includes(member), `${member} in the PDF`);
      assert.match(text, /[0-9a-f]{64}/, "the audit-chain hash is in the PDF");
      assert.ok(text.includes("Сұхбатта"), "the deviation's reason is in the PDF");
    });
  });

  await check("HR (ru) publishes a like vacancy; the candidates' inboxes (kk, ru) show results and the reserve offer", async () => {
    await asPerson(async (page) => {
      await signIn(page, "hr");
      await setLanguage(page, "ru");
      await createVacancy(page, h, "Ведущий специалист по бюджетному планированию", "second");
      await publish(page, h, "second");
    });
    for (const person of people) {
      await asPerson(async (page) => {
        await signIn(page, { id: person.user, password: "a long enough passphrase 7", totp: null });
        await setLanguage(page, person.lang);
        await page.goto(`${BASE}/web/inbox`);
        const items = await page.locator("ol.results > li.entry").count();
        assert.ok(items >= 4, `${person.user}: stage results in the inbox (${items})`);
        const offer = { kk: /Резервтен ұсыныс/, ru: /Предложение из резерва/ }[person.lang];
        if (person.runnerUp) {
          const main = await page.textContent("main");
          assert.match(main, offer, "the runner-up gets the reserve offer");
          const rule = { kk: /Білім деңгейі/, ru: /Уровень образования/ }[person.lang];
          assert.match(main, rule, "the requirements met are named in the reader's language");
        }
        await shot(page, `candidate-${person.lang}-inbox`);
      });
    }
  });
}
