import { test, expect, Page } from "@playwright/test";
import * as path from "path";

import { fixture, serveJobPage } from "./fixtures";
const shots = path.join(__dirname, "..", "screenshots");

// The Processing page as a person reads it: numbers checked against the API,
// words checked for what they say.

async function hydrated(page: Page) {
  await page.locator("body[data-hydrated]").waitFor();
}

async function finishedJob(page: Page, resume: string, job: string): Promise<string> {
  const started = await page.request.post("/api/pipeline/start", {
    data: { resume_text: fixture(resume), job_text: fixture(job) },
  });
  expect(started.status()).toBe(201);
  const { job_id } = await started.json();
  await expect.poll(async () => (await (await page.request.get(`/api/jobs/${job_id}/snapshot`)).json()).status).toBe("completed");
  return job_id;
}

for (const scheme of ["light", "dark"] as const) {
  test(`a job finished before the page drew reads as an account (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    const id = await finishedJob(page, "resumes/gdg_data_analyst.txt", "jobs/gdg_jd_data_analyst.txt");
    await page.goto(`/jobs/${id}`);
    await hydrated(page);
    const snapshot = await (await page.request.get(`/api/jobs/${id}/snapshot`)).json();
    const result = await (await page.request.get(`/api/jobs/${id}/result`)).json();

    // The score shown is the result's.
    await expect(page.locator(`.score-value[data-metric="match_score_after"]`)).toHaveText(String(result.score_after.total));
    await expect(page.locator(`.score-value[data-metric="match_score_before"]`)).toHaveText(String(result.score_before.total));

    // Every step, with what it found: all of the job's findings, once each.
    const steps = page.getByRole("list", { name: "Pipeline steps" }).locator(":scope > li");
    await expect(steps).toHaveCount(5);
    const findings = page.getByRole("list", { name: /^Findings of / }).getByRole("listitem");
    await expect(findings).toHaveCount(snapshot.insights.length);
    await expect(page.locator("#steps-title .count")).toHaveText(`${snapshot.insights.length} findings`);
    const shown = await findings.locator(".insight-text").allInnerTexts();
    expect(shown.sort()).toEqual(snapshot.insights.map((i: { message: string }) => i.message).sort());
    // No replayed progress: no bars, no "0 ms", no live feed.
    await expect(page.locator(".step-bar")).toHaveCount(0);
    await expect(page.locator('ul[aria-live="polite"]')).toHaveCount(0);
    await expect(page.getByText(/Done in 0 ms/)).toHaveCount(0);

    // The validation rows say what the result says, in order.
    const labels = await page.locator("#live-checks-title ~ ul .check-label").allInnerTexts();
    expect(labels).toEqual(result.validations.map((v: { label?: string; rule_id: string }) => v.label ?? v.rule_id));

    // The metric tiles: no label twice; edits made is what the result lists.
    const tileLabels = await page.getByRole("region", { name: "Metrics" }).locator("dt").allInnerTexts();
    expect(new Set(tileLabels).size).toBe(tileLabels.length);
    expect(tileLabels.length).toBeLessThanOrEqual(9);
    await expect(page.locator('[data-metric="edits_applied"] dd')).toHaveText(String(result.changes.length));
    await expect(page.locator('[data-metric="word_count"] dd')).toHaveText(`${result.word_count} words`);

    // The stream has ended; that is neither good nor bad news.
    const badge = page.getByRole("status", { name: /Live updates/ });
    await expect(badge).toHaveText("Ended");
    await expect(badge).not.toHaveClass(/conn-ok/);
    await page.screenshot({ path: path.join(shots, `processing-account-${scheme}-desktop.png`), fullPage: true });
  });
}

test("slow work keeps the live view: elapsed seconds and what it waits for; Cancel says so", async ({ page }) => {
  const jobPage = await serveJobPage(fixture("jobs/gdg_jd_data_analyst.txt"), { delayMs: 20_000 });
  try {
    await page.goto("/");
    await hydrated(page);
    await page.getByLabel("Resume text").fill(fixture("resumes/gdg_data_analyst.txt"));
    await page.getByLabel("Job posting URL").fill(jobPage.url);
    await page.getByRole("button", { name: "Tailor my resume" }).click();
    const analyzing = page.locator('li[data-step="analyzing"]');
    await expect(analyzing).toHaveAttribute("data-status", "running");
    // What it waits for, and for how long, in words.
    await expect(analyzing.locator(".step-detail")).toHaveText(/Fetching the job posting from 127\.0\.0\.1 · [1-9]\d* s so far/, { timeout: 10_000 });
    await expect(page.getByRole("status", { name: /Live updates/ })).toHaveText("Connected");
    await page.screenshot({ path: path.join(shots, "processing-live-desktop.png"), fullPage: true });

    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByRole("heading", { name: "Tailoring was canceled" })).toBeVisible();
    const subline = page.locator(".subline");
    await expect(subline).toHaveText("You stopped it before it finished. Nothing was changed in your resume.");
    await expect(subline).not.toContainText("Starting");
  } finally {
    jobPage.close();
  }
});

test("a failed job does not say it is up to date, and names the step that failed", async ({ page }) => {
  const jobPage = await serveJobPage(fixture("jobs/gdg_jd_data_analyst.txt"), { failFirst: 5 });
  try {
    await page.goto("/");
    await hydrated(page);
    await page.getByLabel("Resume text").fill(fixture("resumes/gdg_data_analyst.txt"));
    await page.getByLabel("Job posting URL").fill(jobPage.url);
    await page.getByRole("button", { name: "Tailor my resume" }).click();
    await expect(page.getByRole("heading", { name: "Tailoring stopped" })).toBeVisible();
    // Opened again once it has ended, it is an account.
    await page.reload();
    await hydrated(page);
    const badge = page.getByRole("status", { name: /Live updates/ });
    await expect(badge).toHaveText("Ended");
    await expect(badge).not.toHaveClass(/conn-ok/);
    await expect(page.locator('li[data-step="analyzing"] .tl-outcome')).toHaveText("Failed");
    await expect(page.locator('li[data-step="planning"] .tl-outcome')).toHaveText("Not run");
    await page.screenshot({ path: path.join(shots, "processing-failed-account-desktop.png"), fullPage: true });
  } finally {
    jobPage.close();
  }
});
