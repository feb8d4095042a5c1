import { test, expect } from "@playwright/test";

import { fixture, serveJobPage } from "./fixtures";

test("a dropped connection is shown honestly and recovers without losing or repeating events", async ({ page }) => {
  // A job page that takes a few seconds to arrive keeps the job in flight.
  const jobPage = await serveJobPage(fixture("jobs/18f_visual-designer.html"), { delayMs: 5000 });
  try {
    await page.goto("/");
    await page.locator("body[data-hydrated]").waitFor();
    await page.getByLabel("Resume text").fill(fixture("resumes/pwdevens_designer_elizabeth_ross.txt"));
    await page.getByLabel("Job posting URL").fill(jobPage.url);
    // Every attempt to open the event stream fails until the route is lifted.
    let refused = 0;
    await page.route("**/api/jobs/*/stream*", (route) => {
      refused += 1;
      return route.abort("connectionreset");
    });
    await page.getByRole("button", { name: "Tailor my resume" }).click();
    await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
    const badge = page.getByRole("status", { name: /Live updates/ });
    await expect(badge).toHaveAttribute("data-connection", /Reconnecting|Offline/);
    expect(refused).toBeGreaterThan(0);

    await page.unroute("**/api/jobs/*/stream*");
    await expect(badge).toHaveAttribute("data-connection", /Connected|Ended/, { timeout: 20_000 });

    await expect(page.locator('li[data-step="polishing"]')).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
    await expect(badge).toHaveAttribute("data-connection", "Ended");
    const jobId = page.url().split("/").pop();
    const snapshot = await (await page.request.get(`/api/jobs/${jobId}/snapshot`)).json();
    await expect(page.locator("#insights-title .count")).toHaveText(`${snapshot.insights.length} so far`);
    // Once the feed's dwell time has let it catch up, it shows the newest four, newest first.
    const newest = snapshot.insights.slice(-4).reverse().map((i: { message: string }) => i.message);
    await expect(page.locator('ul[aria-live="polite"] > li .insight-text')).toHaveText(newest);
    // The full list has every insight exactly once.
    await expect(page.locator("ul.all-insights > li")).toHaveCount(snapshot.insights.length);
  } finally {
    jobPage.close();
  }
});

test("a stream the server refuses is replaced by the snapshot", async ({ page }) => {
  // A non-200 answer makes a browser's EventSource give up for good; the
  // page must then resync from the snapshot instead of freezing.
  let refused = 0;
  await page.route("**/api/jobs/*/stream*", (route) => {
    refused += 1;
    return route.fulfill({ status: 503, body: "" });
  });
  const jobPage = await serveJobPage(fixture("jobs/gdg_jd_data_analyst.txt"), { delayMs: 3000 });
  try {
    await page.goto("/");
    await page.locator("body[data-hydrated]").waitFor();
    await page.getByLabel("Resume text").fill(fixture("resumes/gdg_data_analyst.txt"));
    await page.getByLabel("Job posting URL").fill(jobPage.url);
    await page.getByRole("button", { name: "Tailor my resume" }).click();
    await expect(page.getByRole("heading", { name: "Your tailored resume is ready" })).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('li[data-step="polishing"]')).toHaveAttribute("data-status", "completed");
    expect(refused).toBeGreaterThan(0);
  } finally {
    jobPage.close();
  }
});
