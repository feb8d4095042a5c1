import { test, expect, Page } from "@playwright/test";
import * as path from "path";

import { fixture, serveJobPage } from "./fixtures";
const shots = path.join(__dirname, "..", "screenshots");

async function hydrated(page: Page) {
  await page.locator("body[data-hydrated]").waitFor();
}

async function expectAllStepsCompleted(page: Page) {
  // The steps themselves, not the findings listed under them.
  const steps = page.getByRole("list", { name: "Pipeline steps" }).locator(":scope > li");
  await expect(steps).toHaveCount(5);
  for (const name of ["analyzing", "planning", "writing", "validating", "polishing"]) {
    await expect(page.locator(`li[data-step="${name}"]`)).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
  }
  await expect(page.getByRole("progressbar", { name: "Overall progress" })).toHaveAttribute("aria-valuenow", "100");
}

test("a pasted resume and job posting stream through all five steps", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  await page.getByLabel("Resume text").fill(fixture("resumes/gdg_data_analyst.txt"));
  await page.getByLabel("Job posting", { exact: true }).fill(fixture("jobs/gdg_jd_data_analyst.txt"));
  await page.screenshot({ path: path.join(shots, "upload-desktop.png"), fullPage: true });
  await page.getByRole("button", { name: "Tailor my resume" }).click();

  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  await expectAllStepsCompleted(page);
  await expect(page.getByRole("heading", { name: "Your tailored resume is ready" })).toBeVisible();
  await expect(page.getByRole("link", { name: "See the results" })).toBeVisible();
  await expect(page.getByRole("status", { name: /Live updates/ })).toHaveAttribute("data-connection", "Ended");
  await page.screenshot({ path: path.join(shots, "processing-done-desktop.png"), fullPage: true });

  // What the page shows is the server's own snapshot. A job this fast has
  // usually ended before the page drew (an account of its steps); if not,
  // the live feed counts the same insights.
  const jobId = page.url().split("/").pop();
  const snapshot = await (await page.request.get(`/api/jobs/${jobId}/snapshot`)).json();
  expect(snapshot.status).toBe("completed");
  const n = snapshot.insights.length;
  await expect(page.locator("#steps-title .count, #insights-title .count")).toHaveText(new RegExp(`^${n} (findings|so far)$`));
  await expect(page.getByRole("region", { name: "Metrics" }).locator('[data-metric="word_count"]')).toBeVisible();

  // Opened again, the finished job is an account.
  await page.reload();
  await expect(page.locator("#steps-title .count")).toHaveText(`${n} findings`);

  // The upload page lists the job among this browser's recent jobs.
  await page.goto("/");
  await page.locator("body[data-hydrated]").waitFor();
  const recent = page.getByRole("region", { name: "Recent jobs" });
  await expect(recent.locator(`a[href="/jobs/${jobId}"]`)).toBeVisible();
});

test("the server's validation errors show next to the form", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  await page.getByLabel("Job posting", { exact: true }).fill("Senior data analyst. Requirements: SQL.");
  await page.getByRole("button", { name: "Tailor my resume" }).click();
  await expect(page.getByRole("alert")).toContainText("Add your resume");
  await expect(page.getByLabel("Resume text")).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/$/);
});

test("an unknown job shows a clear not-found page", async ({ page }) => {
  const response = await page.goto("/jobs/00000000-0000-4000-8000-000000000000");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Job not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Tailor a resume" })).toBeVisible();
});

test("a reload while the job is in flight continues to the same final state", async ({ page }) => {
  const jobPage = await serveJobPage(fixture("jobs/18f_visual-designer.html"), { delayMs: 6000, pieces: 12 });
  try {
    await page.goto("/");
    await hydrated(page);
    await page.getByLabel("Resume text").fill(fixture("resumes/pwdevens_designer_elizabeth_ross.txt"));
    await page.getByLabel("Job posting URL").fill(jobPage.url);
    await page.getByRole("button", { name: "Tailor my resume" }).click();
    await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
    await expect(page.locator('li[data-step="analyzing"]')).toHaveAttribute("data-status", "running");
    await page.screenshot({ path: path.join(shots, "processing-running-desktop.png"), fullPage: true });

    await page.reload();
    // The reloaded page is rendered from the snapshot: still mid-job.
    await expect(page.locator('li[data-step="polishing"]')).not.toHaveAttribute("data-status", "completed");
    await hydrated(page);
    await expectAllStepsCompleted(page);

    const jobId = page.url().split("/").pop();
    const snapshot = await (await page.request.get(`/api/jobs/${jobId}/snapshot`)).json();
    expect(snapshot.status).toBe("completed");
    await expect(page.locator("#insights-title .count")).toHaveText(`${snapshot.insights.length} so far`);
  } finally {
    jobPage.close();
  }
});
