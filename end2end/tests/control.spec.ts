import { test, expect } from "@playwright/test";
import * as path from "path";

import { fixture, serveJobPage } from "./fixtures";
const shots = path.join(__dirname, "..", "screenshots");

test("a failed job shows its error and Retry runs it to success on the same page", async ({ page }) => {
  const jobPage = await serveJobPage(fixture("jobs/gdg_jd_data_analyst.txt"), { failFirst: 1 });
  try {
    await page.goto("/");
    await page.locator("body[data-hydrated]").waitFor();
    await page.getByLabel("Resume text").fill(fixture("resumes/gdg_data_analyst.txt"));
    await page.getByLabel("Job posting URL").fill(jobPage.url);
    await page.getByRole("button", { name: "Tailor my resume" }).click();

    await expect(page.getByRole("heading", { name: "Tailoring stopped" })).toBeVisible();
    const failure = page.getByRole("alert").filter({ hasText: "What went wrong" });
    await expect(failure).toContainText("HTTP 503");
    await expect(page.locator('li[data-step="analyzing"]')).toHaveAttribute("data-status", "failed");
    await page.screenshot({ path: path.join(shots, "processing-failed-desktop.png"), fullPage: true });

    await page.getByRole("button", { name: "Retry" }).click();
    await expect(page.getByRole("heading", { name: "Your tailored resume is ready" })).toBeVisible();
    await expect(failure).toHaveCount(0);
    await expect(page.locator('li[data-step="polishing"]')).toHaveAttribute("data-status", "completed");
    await expect(page.getByRole("progressbar", { name: "Overall progress" })).toHaveAttribute("aria-valuenow", "100");
  } finally {
    jobPage.close();
  }
});

test("Cancel stops a running job", async ({ page }) => {
  const jobPage = await serveJobPage(fixture("jobs/gdg_jd_data_analyst.txt"), { delayMs: 15_000 });
  try {
    await page.goto("/");
    await page.locator("body[data-hydrated]").waitFor();
    await page.getByLabel("Resume text").fill(fixture("resumes/gdg_data_analyst.txt"));
    await page.getByLabel("Job posting URL").fill(jobPage.url);
    await page.getByRole("button", { name: "Tailor my resume" }).click();
    await expect(page.locator('li[data-step="analyzing"]')).toHaveAttribute("data-status", "running");
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("heading", { name: "Tailoring was canceled" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Cancel" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Retry" })).toBeVisible();
  } finally {
    jobPage.close();
  }
});

test("the history lists jobs and deletes one", async ({ page }) => {
  const started = await page.request.post("/api/pipeline/start", {
    data: { resume_text: fixture("resumes/gdg_data_analyst.txt"), job_text: fixture("jobs/gdg_jd_data_analyst.txt") },
  });
  expect(started.status()).toBe(201);
  const { job_id } = await started.json();
  await expect.poll(async () => (await (await page.request.get(`/api/jobs/${job_id}/snapshot`)).json()).status).toBe("completed");

  await page.goto("/jobs");
  await page.locator("body[data-hydrated]").waitFor();
  const row = page.locator(`tr[data-job="${job_id}"]`);
  await expect(row).toContainText("Completed");
  await page.screenshot({ path: path.join(shots, "history-desktop.png"), fullPage: true });
  await row.getByRole("button", { name: /^Delete/ }).click();
  // Delete asks first: Keep leaves the job alone.
  await row.getByRole("button", { name: "Keep" }).click();
  expect((await page.request.get(`/api/jobs/${job_id}/snapshot`)).status()).toBe(200);
  await row.getByRole("button", { name: /^Delete/ }).click();
  await row.getByRole("button", { name: /^Yes, delete/ }).click();
  await expect(row).toHaveCount(0);
  expect((await page.request.get(`/api/jobs/${job_id}/snapshot`)).status()).toBe(404);
});
