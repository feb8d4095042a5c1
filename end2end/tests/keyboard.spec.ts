import { test, expect, Locator, Page } from "@playwright/test";

import { fixture } from "./fixtures";

/** Presses Tab until `target` has the focus: it must be reachable in the
 * page's tab order, within `max` presses. */
async function tabTo(page: Page, target: Locator, max = 60) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`not reachable with Tab in ${max} presses: ${target}`);
}

// The whole path with the keyboard alone: upload, follow the job, open the
// results, decide on a change, download. Text goes in as typed input; every
// control is reached with Tab and used with Enter or Space.
test("upload → review → decide → download with the keyboard alone", async ({ page }) => {
  await page.goto("/");
  await page.locator("body[data-hydrated]").waitFor();

  await tabTo(page, page.getByLabel("Resume text"));
  await page.keyboard.insertText(fixture("resumes/gdg_data_analyst.txt"));
  await tabTo(page, page.getByLabel("Job posting", { exact: true }));
  await page.keyboard.insertText(fixture("jobs/gdg_jd_data_analyst.txt"));
  await tabTo(page, page.getByRole("button", { name: "Tailor my resume" }));
  await page.keyboard.press("Enter");

  const results = page.getByRole("link", { name: "See the results" });
  await expect(results).toBeVisible();
  await tabTo(page, results);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/review$/);
  await page.locator("body[data-hydrated]").waitFor();

  const drop = page.getByRole("button", { name: /^Drop this change: Added a summary/ });
  await tabTo(page, drop, 200);
  await page.keyboard.press(" ");
  await expect(page.getByTestId("change-summary")).toContainText("Dropped");
  await expect(page.getByTestId("version")).toHaveText("showing version 1");

  const txt = page.getByRole("link", { name: /^Download text/ }).first();
  await tabTo(page, txt, 200);
  const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
  expect(download.suggestedFilename()).toMatch(/tailored v1\.txt$/);
});
