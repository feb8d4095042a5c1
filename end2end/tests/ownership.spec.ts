import { test, expect, Page } from "@playwright/test";

import { fixture } from "./fixtures";

// Two people, two browser contexts (two cookie jars): each sees only their
// own history, another's job is "not found", and a share link opens the
// other's Review page read-only until it is revoked.

async function startAndFinish(page: Page, resume: string): Promise<string> {
  const started = await page.request.post("/api/pipeline/start", {
    data: { resume_text: fixture(resume), job_text: fixture("jobs/gdg_jd_data_analyst.txt") },
  });
  expect(started.status()).toBe(201);
  const { job_id } = await started.json();
  await expect
    .poll(async () => (await (await page.request.get(`/api/jobs/${job_id}/snapshot`)).json()).status)
    .toBe("completed");
  return job_id;
}

test("each browser sees only its own jobs, and a share link opens one read-only", async ({ browser }) => {
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  // The strict CSP must not get in the pages' way: any refusal is a failure.
  const refusals: string[] = [];
  for (const page of [alice, bob]) {
    page.on("console", (m) => {
      if (m.text().includes("Content Security Policy")) refusals.push(m.text());
    });
  }
  const aliceJob = await startAndFinish(alice, "resumes/gdg_data_analyst.txt");
  const bobJob = await startAndFinish(bob, "resumes/gdg_data_analyst.txt");

  // Each history lists its own job and not the other's.
  for (const [page, own, other] of [[alice, aliceJob, bobJob], [bob, bobJob, aliceJob]] as const) {
    await page.goto("/jobs");
    await page.locator("body[data-hydrated]").waitFor();
    await expect(page.locator(`tr[data-job="${own}"]`)).toHaveCount(1);
    await expect(page.locator(`tr[data-job="${other}"]`)).toHaveCount(0);
  }

  // Bob cannot open Alice's job, by page or by API.
  const denied = await bob.goto(`/jobs/${aliceJob}`);
  expect(denied?.status()).toBe(404);
  await expect(bob.getByRole("heading", { name: "Job not found" })).toBeVisible();
  expect((await bob.request.get(`/api/jobs/${aliceJob}/result`)).status()).toBe(404);

  // Alice makes a share link on her Review page.
  await alice.goto(`/jobs/${aliceJob}/review`);
  await alice.locator("body[data-hydrated]").waitFor();
  await alice.getByTestId("share").click();
  const link = await alice.getByTestId("share-url").inputValue();
  expect(link).toContain(`/share/${aliceJob}/`);

  // Bob opens it: the Review page, read-only, downloads working.
  await bob.goto(link);
  await expect(bob).toHaveURL(new RegExp(`/jobs/${aliceJob}/review$`));
  await bob.locator("body[data-hydrated]").waitFor();
  await expect(bob.getByTestId("shared-note")).toBeVisible();
  await expect(bob.getByTestId("share")).toHaveCount(0);
  const download = bob.getByRole("link", { name: "Download text" });
  expect((await bob.request.get((await download.getAttribute("href"))!)).status()).toBe(200);
  // The progress page has no controls for him; his history is unchanged.
  await bob.goto(`/jobs/${aliceJob}`);
  await bob.locator("body[data-hydrated]").waitFor();
  await expect(bob.locator(".controls")).toHaveCount(0);
  expect((await bob.request.delete(`/api/jobs/${aliceJob}`)).status()).toBe(404);
  await bob.goto("/jobs");
  await expect(bob.locator(`tr[data-job="${aliceJob}"]`)).toHaveCount(0);

  // Alice stops sharing: Bob's next visit finds nothing.
  await alice.getByTestId("revoke-share").click();
  await expect(alice.getByTestId("share-url")).toHaveCount(0);
  const gone = await bob.goto(`/jobs/${aliceJob}/review`);
  expect(gone?.status()).toBe(404);
  await expect(bob.getByRole("heading", { name: "No results for this job" })).toBeVisible();
  expect((await alice.request.get(`/api/jobs/${aliceJob}/result`)).status()).toBe(200);
  expect(refusals).toEqual([]);
});
