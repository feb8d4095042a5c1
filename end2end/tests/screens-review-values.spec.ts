import { test, expect } from "@playwright/test";

import { fixture } from "./fixtures";

// The Review page read as a person reads it, compared with the API: the
// score shown, the checks' labels, and what "Copy to clipboard" really put
// on the clipboard.

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

test("the review page shows the result's numbers and copies the tailored text", async ({ page }) => {
  const started = await page.request.post("/api/pipeline/start", {
    data: { resume_text: fixture("resumes/pwdevens_designer_elizabeth_ross.txt"), job_text: fixture("jobs/gdg_jd_data_analyst.txt") },
  });
  const { job_id } = await started.json();
  await expect.poll(async () => (await (await page.request.get(`/api/jobs/${job_id}/snapshot`)).json()).status).toBe("completed");
  const result = await (await page.request.get(`/api/jobs/${job_id}/result`)).json();

  await page.goto(`/jobs/${job_id}/review`);
  await page.locator("body[data-hydrated]").waitFor();
  await expect(page.locator('.score-value[data-metric="score_after"]')).toHaveText(String(result.score_after.total));
  await expect(page.locator('.score-value[data-metric="score_before"]')).toHaveText(String(result.score_before.total));
  const labels = await page.locator("#checks-title ~ * .check-label").allInnerTexts();
  expect(labels).toEqual(result.validations.map((v: { label?: string; rule_id: string }) => v.label ?? v.rule_id));

  await page.getByRole("button", { name: "Copy to clipboard" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(result.tailored_text);
});
