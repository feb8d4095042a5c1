import { test, expect, Page } from "@playwright/test";
import * as path from "path";

import { fixture } from "./fixtures";
const shots = path.join(__dirname, "..", "screenshots");

async function noHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

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
