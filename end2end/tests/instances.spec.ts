import { test, expect } from "@playwright/test";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";

import { fixture, serveJobPage } from "./fixtures";

// Two Tailor instances sharing one PostgreSQL database, as behind a load
// balancer. scripts/test.sh creates the database and says where in
// TAILOR_E2E_DATABASE_URL; the instances are started here, not by
// Playwright's webServer, so that the test can kill one with SIGKILL.
const databaseUrl = process.env.TAILOR_E2E_DATABASE_URL;
const root = path.join(__dirname, "..", "..");
const binary = path.join(root, process.env.TAILOR_BIN ?? "target/debug/tailor");
const shots = path.join(__dirname, "..", "screenshots");

interface Instance {
  base: string;
  process: ChildProcess;
}

async function startInstance(port: number): Promise<Instance> {
  const child = spawn(binary, [], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      TAILOR_ADDR: `127.0.0.1:${port}`,
      TAILOR_DATABASE_URL: databaseUrl,
      TAILOR_LEASE_SECS: "2",
      TAILOR_ALLOW_PRIVATE_URLS: "true",
      TAILOR_HEARTBEAT_SECS: "2",
      LEPTOS_SITE_ROOT: "target/site",
      RUST_LOG: "warn",
    },
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the instance on ${port} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { base, process: child };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`the instance on ${port} did not start`);
}

test.skip(!databaseUrl, "needs TAILOR_E2E_DATABASE_URL (scripts/test.sh sets it)");

test("a job started on one instance is followed live on another, which finishes it when the first is killed", async ({
  page,
}) => {
  const jobPage = await serveJobPage(fixture("jobs/gdg_jd_data_analyst.txt"), { delayMs: 4_000 });
  const first = await startInstance(3101);
  const second = await startInstance(3102);
  try {
    const started = await page.request.post(`${first.base}/api/pipeline/start`, {
      data: { resume_text: fixture("resumes/gdg_data_analyst.txt"), job_url: jobPage.url },
    });
    expect(started.status()).toBe(201);
    const { job_id } = await started.json();

    // The page comes from the second instance; the first runs the job.
    await page.goto(`${second.base}/jobs/${job_id}`);
    await page.locator("body[data-hydrated]").waitFor();
    await expect(page.locator('li[data-step="analyzing"]')).toHaveAttribute("data-status", "running");

    first.process.kill("SIGKILL");
    // The second takes the job over once its lease lapses, and the open
    // page follows the new run to the end.
    await expect(page.getByRole("heading", { name: "Your tailored resume is ready" })).toBeVisible({
      timeout: 30_000,
    });
    await expect(page.locator('li[data-step="polishing"]')).toHaveAttribute("data-status", "completed");
    await expect(page.getByRole("progressbar", { name: "Overall progress" })).toHaveAttribute("aria-valuenow", "100");
    await page.screenshot({ path: path.join(shots, "processing-taken-over-desktop.png"), fullPage: true });

    // The job's log, from either instance, records the takeover.
    const log = await (await page.request.get(`${second.base}/api/jobs/${job_id}/stream`)).text();
    expect(log).toContain("another took it over");
  } finally {
    first.process.kill("SIGKILL");
    second.process.kill("SIGTERM");
    jobPage.close();
  }
});
