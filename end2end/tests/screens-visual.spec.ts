import { test, expect, Page } from "@playwright/test";

import { fixture } from "./fixtures";

// Screenshot comparison of the key screens against committed baselines in
// tests/screens-visual.spec.ts-snapshots/. What varies from run to run (job
// ids, times, step durations) is masked. After an intended change of a
// screen, look at the new pictures, then update the baselines with
//   cd end2end && TAILOR_E2E_PORT=3130 npx playwright test tests/screens-visual.spec.ts --update-snapshots
// and commit them with the change.

async function finishedJob(page: Page): Promise<string> {
  const started = await page.request.post("/api/pipeline/start", {
    data: { resume_text: fixture("resumes/gdg_data_analyst.txt"), job_text: fixture("jobs/gdg_jd_data_analyst.txt") },
  });
  const { job_id } = await started.json();
  await expect.poll(async () => (await (await page.request.get(`/api/jobs/${job_id}/snapshot`)).json()).status).toBe("completed");
  return job_id;
}

const sizes = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

for (const scheme of ["light", "dark"] as const) {
  for (const [size, viewport] of Object.entries(sizes)) {
    test(`the key screens look as approved (${scheme}, ${size})`, async ({ page }) => {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
      const id = await finishedJob(page);
      const varying = [page.locator(".job-id"), page.locator(".tl-detail"), page.locator("time")];
      for (const [url, name] of [["/", "upload"], [`/jobs/${id}`, "processing"], ["/jobs", "history"], ["/about", "about"]] as const) {
        await page.goto(url);
        await page.locator("body[data-hydrated]").waitFor();
        await expect(page).toHaveScreenshot(`${name}-${scheme}-${size}.png`, {
          fullPage: true,
          mask: varying,
          maxDiffPixelRatio: 0.01,
        });
      }
    });
  }
}
