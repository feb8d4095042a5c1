import { test, expect, Page } from "@playwright/test";
import * as path from "path";

import { fixture } from "./fixtures";
const shots = path.join(__dirname, "..", "screenshots");

const PHONE_WIDTH = 390;

/** A mobile browser widens its layout viewport to fit wide content, so
 * compare the document's width with the phone's, not with innerWidth. */
async function noHorizontalScroll(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(PHONE_WIDTH);
}

test.use({ viewport: { width: PHONE_WIDTH, height: 844 }, isMobile: true, hasTouch: true });

test("the upload and processing screens fit a phone", async ({ page }) => {
  await page.goto("/");
  await page.locator("body[data-hydrated]").waitFor();
  await noHorizontalScroll(page);
  await page.getByLabel("Resume text").fill(fixture("resumes/gdg_data_analyst.txt"));
  await page.getByLabel("Job posting", { exact: true }).fill(fixture("jobs/gdg_jd_data_analyst.txt"));
  await page.screenshot({ path: path.join(shots, "upload-phone.png"), fullPage: true });
  await page.getByRole("button", { name: "Tailor my resume" }).click();
  await expect(page.getByRole("heading", { name: "Your tailored resume is ready" })).toBeVisible();
  await noHorizontalScroll(page);
  await page.screenshot({ path: path.join(shots, "processing-done-phone.png"), fullPage: true });
});

test("the review, history and about screens fit a phone", async ({ page }) => {
  const started = await page.request.post("/api/pipeline/start", {
    data: { resume_text: fixture("resumes/pwdevens_designer_elizabeth_ross.txt"), job_text: fixture("jobs/gdg_jd_data_analyst.txt") },
  });
  const { job_id } = await started.json();
  await expect.poll(async () => (await (await page.request.get(`/api/jobs/${job_id}/snapshot`)).json()).status).toBe("completed");
  for (const [url, name] of [[`/jobs/${job_id}/review`, "review"], ["/jobs", "history"], ["/about", "about"]]) {
    await page.goto(url);
    await page.locator("body[data-hydrated]").waitFor();
    await noHorizontalScroll(page);
    await page.screenshot({ path: path.join(shots, `${name}-phone.png`), fullPage: true });
  }
});
