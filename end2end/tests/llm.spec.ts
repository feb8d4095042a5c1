import { test, expect, Page } from "@playwright/test";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { Offered, Proposal, ScriptedProvider, startScriptedProvider } from "./scripted-provider";

// Rewriting with a language model, watched in the browser: a Tailor
// instance of its own (SQLite in its own data directory) pointed at a
// scripted OpenAI-compatible provider that streams slowly. The "model"
// rewrites one bullet faithfully (its own words, in another order) and
// invents a skill in another; the page shows the first being written, the
// gates' verdicts, and the Review page holds only the true rewrite.
const root = path.join(__dirname, "..", "..");
const binary = path.join(root, process.env.TAILOR_BIN ?? "target/debug/tailor");
const shots = path.join(__dirname, "..", "screenshots");
const dataDir = path.join(root, "target", "e2e-llm-data");
// In the suite's port range, clear of the shared server and instances.spec.
const port = Number(process.env.TAILOR_E2E_PORT ?? 3100) + 9;
const base = `http://127.0.0.1:${port}`;
const model = "scripted-model";

const RESUME = `Jordan Lee
jordan@example.org | (555) 010-0142

Summary
Platform engineer who keeps deploys boring and dashboards honest.

Experience
Platform Engineer | Northwind Traders | Apr 2020 - Present
- Built Terraform modules for 12 services on AWS
- Ran weekly on-call reviews with 5 teams

Site Reliability Engineer | Contoso | Jul 2017 - Mar 2020
- Wrote Python alerting scripts that cut pages by 40%

Education
BS Computer Engineering, State University, 2017

Skills
Python, Terraform, AWS, Grafana
`;

const POSTING = `Senior Platform Engineer

We run the infrastructure behind a payments product.

Requirements:
- 5+ years of platform or site reliability work
- Terraform and AWS
- Kubernetes
- On-call experience
- Python
`;

// The faithful rewrite: the bullet's own words, the job's terms first.
const FAITHFUL_FROM = "Built Terraform modules for 12 services on AWS";
const FAITHFUL = "Built Terraform modules on AWS for 12 services";
// The invention: a skill the posting asks for and the resume never shows.
const INVENTED = "Kubernetes";
const FABRICATE_FROM = "Wrote Python alerting scripts that cut pages by 40%";

/** What the scripted model writes for the lines Tailor offered. */
function script(lines: Offered[]): Proposal[] {
  const line = (text: string) => {
    const found = lines.find((l) => l.text.trim() === text);
    if (!found) throw new Error(`Tailor did not offer "${text}"; it offered ${JSON.stringify(lines)}`);
    return found;
  };
  const faithful = line(FAITHFUL_FROM);
  const invented = line(FABRICATE_FROM);
  return [
    { path: faithful.path, original: faithful.text, value: FAITHFUL, reason: "the job's terms first" },
    {
      path: invented.path,
      original: invented.text,
      value: `Wrote Python alerting scripts on ${INVENTED} that cut pages by 40%`,
      reason: "the posting asks for Kubernetes",
    },
  ];
}

let provider: ScriptedProvider;
let tailor: ChildProcess | undefined;

test.beforeAll(async () => {
  // Chunks of 4 characters every 40 ms: about 5 s for the whole reply, and
  // a held pause 20 characters into the first rewrite, so the line in
  // flight stays on screen, half written, until the test has seen it.
  provider = await startScriptedProvider(0, { script, chunkChars: 4, intervalMs: 40, holdInFirstValue: 20 });
  fs.rmSync(dataDir, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith("TAILOR_")) delete env[key];
  }
  tailor = spawn(binary, [], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...env,
      TAILOR_ADDR: `127.0.0.1:${port}`,
      TAILOR_DATA_DIR: dataDir,
      TAILOR_LLM_URL: provider.url,
      TAILOR_LLM_MODEL: model,
      // Longer than the test holds the reply.
      TAILOR_LLM_IDLE_TIMEOUT_SECS: "60",
      TAILOR_HEARTBEAT_SECS: "2",
      LEPTOS_SITE_ROOT: "target/site",
      RUST_LOG: "warn",
    },
  });
  for (let i = 0; i < 300; i++) {
    if (tailor.exitCode !== null) throw new Error(`the instance on ${port} exited with ${tailor.exitCode}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the instance on ${port} did not start`);
});

test.afterAll(async () => {
  tailor?.kill("SIGKILL");
  await provider?.close();
});

async function hydrated(page: Page) {
  await page.locator("body[data-hydrated]").waitFor();
}

test("a model's rewrites stream onto the Processing page, the gates reject an invention, and Review holds only the true one", async ({
  page,
}) => {
  // Before the job starts: where the resume goes, and a way not to.
  await page.goto(`${base}/`);
  await hydrated(page);
  const notice = page.locator(".model-notice");
  await expect(notice).toHaveAttribute("data-model-host", provider.host);
  await expect(notice).toContainText(`at ${provider.host}`);
  await expect(notice).toContainText(model);
  await expect(notice).toContainText("the text of your resume and of the posting is sent there");
  const without = page.getByLabel("Run this job without the model (nothing is sent)");
  await expect(without).toBeVisible();
  await expect(without).not.toBeChecked();
  await page.getByLabel("Resume text").fill(RESUME);
  await page.getByLabel("Job posting", { exact: true }).fill(POSTING);
  await page.screenshot({ path: path.join(shots, "upload-model-desktop.png"), fullPage: true });
  const asked = provider.bodies.length;
  await page.getByRole("button", { name: "Tailor my resume" }).click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  const jobId = page.url().split("/").pop();

  // The writing step says who is writing, and the bullet appears as it is
  // written: a strict prefix of the rewrite, beside the line it replaces.
  const writing = page.locator('li[data-step="writing"]');
  await expect(writing).toContainText(`Asking ${model} at ${provider.host} to propose rewrites`);
  const live = page.locator(".change.live");
  await expect(live).toHaveCount(1);
  await expect(live).toContainText("The language model is rewriting your Northwind Traders bullet");
  await expect(live).toContainText("A draft: Tailor checks it against your resume before using any of it.");
  await expect(live.locator("del")).toContainText(FAITHFUL_FROM);
  const draft = live.locator(".draft-text");
  const written = async () => ((await draft.textContent()) ?? "").replace("being written: ", "");
  await expect
    .poll(written, { message: "the draft is part of the rewrite, still being written" })
    .toMatch(/^Built T/);
  const partial = await written();
  expect(FAITHFUL.startsWith(partial) && partial.length < FAITHFUL.length, partial).toBe(true);
  await page.screenshot({ path: path.join(shots, "processing-model-draft-desktop.png"), fullPage: true });
  provider.release();

  // The verdicts: the true rewrite applied, the invention rejected with
  // its reason, in the changes feed and as an insight.
  const changes = page.getByRole("region", { name: "Changes" });
  const applied = changes.locator(".change").filter({ has: page.locator('[data-verdict="applied"]') });
  await expect(applied).toContainText("Rewrote your Northwind Traders bullet (the job's terms first)");
  await expect(applied.locator(".verdict")).toHaveText("Model's rewrite: passed the checks, applied");
  const rejected = changes.locator(".change").filter({ has: page.locator('[data-verdict="rejected"]') });
  await expect(rejected).toContainText(
    `Kept your Contoso bullet: the proposed rewrite added '${INVENTED}', which your resume does not show`,
  );
  await expect(rejected.locator(".verdict")).toHaveText("Model's rewrite: rejected by the checks");
  const reason = `Rejected a rewrite of your Contoso bullet: it added '${INVENTED}', which your resume does not show. The original stays.`;
  await expect(page.getByRole("region", { name: /^All insights/ }).getByText(reason)).toBeVisible();
  await expect(page.getByRole("heading", { name: "Your tailored resume is ready" })).toBeVisible({ timeout: 30_000 });
  await expect(live).toHaveCount(0);
  const metrics = page.getByRole("region", { name: "Metrics" });
  await expect(metrics.locator('[data-metric="llm_proposals_applied"] dd')).toHaveText("1 of 2");
  await expect(metrics.locator('[data-metric="llm_proposals_rejected"] dd')).toHaveText("1");
  await page.screenshot({ path: path.join(shots, "processing-model-verdicts-desktop.png"), fullPage: true });
  expect(provider.bodies.length, "one request for the job").toBe(asked + 1);

  // Review: the applied rewrite in the tailored text and in the diff; the
  // invented skill nowhere in the tailored resume.
  await page.goto(`${base}/jobs/${jobId}/review`);
  await hydrated(page);
  const tailored = page.locator("#pane-tailored");
  await expect(tailored.locator("mark.changed-line").filter({ hasText: FAITHFUL })).toHaveCount(1);
  await expect(tailored).toContainText(FABRICATE_FROM);
  await expect(tailored).not.toContainText(INVENTED, { ignoreCase: true });
  const diffs = page.locator("details.change-diffs");
  await diffs.locator("summary").click();
  const rewrite = diffs.locator(".change").filter({ has: page.locator("h3", { hasText: "Northwind Traders bullet" }) });
  await expect(rewrite).toHaveCount(1);
  await expect(rewrite).toContainText("Rewritten by the language model, and checked against your resume");
  await expect(rewrite.locator("ins").first()).toBeVisible();
  // Read without its deletions the diff is the rewrite; without its
  // insertions, the line as the resume wrote it.
  const side = (drop: string) =>
    rewrite.locator(".diff").evaluate((el, drop) => {
      const copy = el.cloneNode(true) as HTMLElement;
      copy.querySelectorAll(`${drop}, .visually-hidden`).forEach((n) => n.remove());
      return (copy.textContent ?? "").replace(/\s+/g, " ").trim();
    }, drop);
  expect(await side("del")).toBe(FAITHFUL);
  expect(await side("ins")).toBe(FAITHFUL_FROM);
  await expect(diffs).not.toContainText(INVENTED, { ignoreCase: true });
  await page.screenshot({ path: path.join(shots, "review-model-desktop.png"), fullPage: true });
  await page.locator("section.decisions").screenshot({ path: path.join(shots, "review-model-diff-desktop.png") });

  // What every download is made from says the same.
  const result = await (await page.request.get(`${base}/api/jobs/${jobId}/result`)).json();
  expect(result.tailored_markdown).toContain(FAITHFUL);
  expect(result.tailored_markdown).toContain(FABRICATE_FROM);
  for (const text of [result.tailored_markdown, result.tailored_text]) {
    expect(text.toLowerCase()).not.toContain(INVENTED.toLowerCase());
  }
});

test("the browser knows the provider from the page itself: the About page names it, and the upload page it links to says where a resume goes", async ({
  page,
}) => {
  await page.goto(`${base}/about`);
  await hydrated(page);
  const said = page.locator("p[data-model-host]");
  await expect(said).toHaveAttribute("data-model-host", provider.host);
  await expect(said).toContainText(`at ${provider.host}`);
  await expect(page.getByText("No language model")).toHaveCount(0);
  // An in-app navigation: the browser renders the upload page itself, from
  // the value the first page carried, with no request for it.
  const asked: string[] = [];
  page.on("request", (r) => asked.push(new URL(r.url()).pathname));
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "New" }).click();
  await expect(page).toHaveURL(`${base}/`);
  const notice = page.locator(".model-notice");
  await expect(notice).toHaveAttribute("data-model-host", provider.host);
  await expect(notice).toContainText(model);
  await expect(page.getByLabel("Run this job without the model (nothing is sent)")).toBeVisible();
  expect(asked.filter((p) => p === "/" || p.startsWith("/api")), "no page or API request").toEqual([]);
});
