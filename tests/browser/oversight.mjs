// Oversight in the browser (issue 18's "done when"): the auditor opens the
// analytics dashboard, switches the region and the period, shades the map by
// another measure, downloads a table as CSV, reads the impact ratios per stage,
// verifies the audit log and replays a ranking shown earlier; a screenshot per
// step. A candidate reads how their application was decided.
import assert from "node:assert/strict";

export async function oversightWalks({ check, asPerson, signIn, shot, BASE }) {
  await check("auditor: the dashboard, switching region and period, the map's measure, CSV", async () => {
    await asPerson(async (page) => {
      await signIn(page, "auditor");
      assert.match(page.url(), /\/web\/analytics$/, "an auditor starts on the analytics");
      await page.getByRole("button", { name: "ENG" }).click();
      await page.waitForLoadState();
      const all = Number((await page.textContent("#competitions strong")).trim());
      assert.ok(all > 0, "the demo's history gives the dashboard competitions");
      for (const section of ["funnel", "time-to-hire", "applications", "regions", "reserve", "proctoring"]) {
        assert.ok(await page.locator(`#${section} table`).count() >= 1, `${section} has its table`);
      }
      assert.ok(await page.locator("#funnel svg.chart").count() === 1, "the funnel chart");
      assert.match(await page.textContent("#time-to-hire-median"), /Median: \d+/);
      await shot(page, "analytics-dashboard");

      // One region and the last half-year.
      await page.selectOption("#region", "astana");
      const from = new Date(Date.now() - 182 * 86400_000).toISOString().slice(0, 10);
      await page.fill("#from", from);
      await Promise.all([page.waitForLoadState(), page.click("#apply-filters")]);
      await page.waitForLoadState();
      assert.match(page.url(), /region=astana/);
      assert.match(page.url(), new RegExp(`from=${from}`));
      assert.equal(await page.inputValue("#region"), "astana", "the filter stays chosen");
      const some = Number((await page.textContent("#competitions strong")).trim());
      assert.ok(some < all, `fewer competitions in one region and half a year (${some} of ${all})`);
      await shot(page, "analytics-astana-half-year");

      // Back to every region, the map by vacancies.
      await page.selectOption("#region", "");
      await page.fill("#from", "");
      await Promise.all([page.waitForLoadState(), page.click("#apply-filters")]);
      await page.check("input[name=measure][value=vacancies]");
      await Promise.all([page.waitForLoadState(), page.click("#apply-measure")]);
      await page.waitForLoadState();
      assert.match(page.url(), /measure=vacancies/);
      assert.equal(await page.locator("svg.map g[data-region]").count(), 20, "20 regions on the map");
      await page.locator("#regions").scrollIntoViewIfNeeded();
      await shot(page, "analytics-map-vacancies");

      // The table behind a chart, as CSV.
      const href = await page.getAttribute("#funnel a[download]", "href");
      const csv = await page.request.get(`${BASE}${href}`);
      assert.equal(csv.status(), 200);
      assert.match(csv.headers()["content-type"], /text\/csv/);
      assert.match(await csv.text(), /^step,count,from_previous,from_applied\napplied,\d+/);
    });
  });

  await check("auditor: impact ratios per stage, the audit log verified, a ranking replayed", async () => {
    await asPerson(async (page) => {
      await signIn(page, "auditor");
      await page.getByRole("button", { name: "ENG" }).click();
      await page.waitForLoadState();
      await page.goto(`${BASE}/web/fairness`);
      assert.ok(await page.locator("#stage-decision").count() === 1);
      assert.match(await page.textContent("#stage-qualification_check h2"), /Assessed: \d+/);
      await shot(page, "fairness-by-stage");

      await page.goto(`${BASE}/web/audit`);
      assert.ok(await page.locator("#audit-intact").count() === 1, "the log verifies");
      await shot(page, "audit-verified");
      const replay = page.locator("a.replay-link").first();
      assert.ok(await replay.count() === 1, "a ranking shown earlier is listed");
      await Promise.all([page.waitForLoadState(), replay.click()]);
      await page.waitForLoadState();
      assert.ok(await page.locator("#replay-matches").count() === 1, "the replay matches the log");
      await shot(page, "audit-replay");
    });
  });

  await check("candidate: how my application was decided", async () => {
    await asPerson(async (page) => {
      await signIn(page, "candidate");
      await page.getByRole("button", { name: "ENG" }).click();
      await page.waitForLoadState();
      await page.goto(`${BASE}/web/applications`);
      const link = page.locator("a[id^=explain-]").first();
      await Promise.all([page.waitForLoadState(), link.click()]);
      await page.waitForLoadState();
      assert.match(page.url(), /\/explanation$/);
      assert.match(await page.textContent("#how-decided"), /People decided/);
      await shot(page, "candidate-explanation");
    });
  });
}
