import { test, expect } from "@playwright/test";
import * as path from "path";

import { fixture } from "./fixtures";

const corpus = path.join(__dirname, "..", "..", "server", "tests", "fixtures", "corpus");
const shots = path.join(__dirname, "..", "screenshots");

// A job whose posting address cannot be read fails; its page leads to the
// upload form started from its inputs, where the person pastes the posting
// instead and runs it again with the same resume file, without choosing it
// again. The history then tells the two jobs apart: the failed one by its
// file and its reason, the finished one by the candidate and the company.
test("a failed job is run again from its inputs, and the history tells the jobs apart", async ({ page }) => {
  await page.goto("/");
  await page.locator("body[data-hydrated]").waitFor();
  await page.getByLabel("Resume file").setInputFiles(path.join(corpus, "resumes", "rm_barry_allen_fe.pdf"));
  await expect(page.getByLabel("Text read from the file")).toContainText("Barry Allen");
  // Port 9 (discard) on loopback: nothing listens, the connection is refused.
  await page.getByLabel("Job posting URL").fill("http://127.0.0.1:9/careers/frontend");
  await page.getByRole("button", { name: "Tailor my resume" }).click();
  await expect(page.getByRole("heading", { name: "Tailoring stopped" })).toBeVisible();
  const failedUrl = page.url();

  await page.getByRole("link", { name: "Edit the inputs and run again" }).click();
  await expect(page.getByRole("heading", { name: "Edit the inputs and run again" })).toBeVisible();
  await page.locator("body[data-hydrated]").waitFor();
  const earlier = page.locator(".earlier-resume");
  await expect(earlier).toContainText("rm_barry_allen_fe.pdf");
  await expect(earlier).toContainText("Choose another file or paste text");
  await expect(page.getByLabel("Job posting URL")).toHaveValue("http://127.0.0.1:9/careers/frontend");
  await page.screenshot({ path: path.join(shots, "run-again-desktop.png"), fullPage: true });

  // The address failed: paste the posting instead (the form says the pasted
  // text wins), and start with the earlier file.
  await page.getByLabel("Job posting URL").fill("");
  await page.getByLabel("Job posting", { exact: true }).fill(fixture("jobs/rm_frontend-eng.txt"));
  await page.getByRole("button", { name: "Tailor my resume" }).click();
  await expect(page.getByRole("heading", { name: "Your tailored resume is ready" })).toBeVisible();
  expect(page.url()).not.toBe(failedUrl);
  await page.getByRole("link", { name: "See the results" }).click();
  await page.locator("body[data-hydrated]").waitFor();
  await expect(page.getByLabel("Original resume")).toContainText("Barry Allen");
  // Review leads back to the same form, for another posting.
  await expect(page.getByRole("link", { name: "Run again with a different posting or resume" })).toBeVisible();

  await page.goto("/jobs");
  await page.locator("body[data-hydrated]").waitFor();
  const failedId = failedUrl.split("/jobs/")[1];
  const failedRow = page.locator(`tr[data-job="${failedId}"]`);
  await expect(failedRow.locator(".job-meta")).toHaveText("rm_barry_allen_fe.pdf");
  await expect(failedRow.locator(".failure")).toContainText("Could not connect to 127.0.0.1:9 (connection refused)");
  const doneRow = page.locator("tr[data-job]").filter({ hasText: "Completed" }).first();
  await expect(doneRow.locator(".job-meta")).toContainText("Barry Allen");
  await expect(doneRow.locator(".job-meta")).toContainText("rm_barry_allen_fe.pdf");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(shots, "history-rows-phone.png"), fullPage: true });
});
