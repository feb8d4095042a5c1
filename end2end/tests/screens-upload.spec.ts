import { test, expect, Page } from "@playwright/test";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

import { fixture } from "./fixtures";
const shots = path.join(__dirname, "..", "screenshots");
const corpus = path.join(__dirname, "..", "..", "server", "tests", "fixtures", "corpus");

async function hydrated(page: Page) {
  await page.locator("body[data-hydrated]").waitFor();
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test("a resume chosen through the file input is previewed as the server reads it, then tailored", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  const file = path.join(corpus, "resumes", "rm_barry_allen_fe.pdf");
  await page.getByLabel("Resume file").setInputFiles(file);
  const preview = page.getByLabel("Text read from the file");
  await expect(preview).toContainText("Barry Allen");
  // What the page shows is exactly what the server reads.
  const api = await page.request.post("/api/resume/preview", {
    multipart: { resume: { name: "rm_barry_allen_fe.pdf", mimeType: "application/pdf", buffer: fs.readFileSync(file) } },
  });
  expect(api.status()).toBe(200);
  const read = await api.json();
  expect((await preview.textContent())?.trim()).toBe(read.text.trim());
  await expect(page.locator(".preview summary")).toContainText("Text read from rm_barry_allen_fe.pdf (pdf");

  // Both a file and pasted text: the page says which is used.
  await page.getByLabel("Resume text").fill("Someone else entirely");
  await expect(page.getByText("You chose a file and pasted text: the file is used.")).toBeVisible();
  await page.getByLabel("Job posting", { exact: true }).fill(fixture("jobs/rm_frontend-eng.txt"));
  await page.getByLabel("Job posting URL").fill("https://example.com/job");
  await expect(page.getByText(/the pasted text is used and the address is not fetched/)).toBeVisible();
  await page.screenshot({ path: path.join(shots, "upload-preview-desktop.png"), fullPage: true });
  await page.getByRole("button", { name: "Tailor my resume" }).click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: "Your tailored resume is ready" })).toBeVisible({ timeout: 30_000 });
  // The file was used, not the pasted text.
  const id = page.url().split("/").pop();
  const result = await (await page.request.get(`/api/jobs/${id}/result`)).json();
  expect(result.original_text).toContain("Barry Allen");
  expect(result.original_text).not.toContain("Someone else entirely");
});

test("a file too large or of the wrong type is refused in the browser, before any upload, with the hint's limit", async ({ page }, info) => {
  await page.goto("/");
  await hydrated(page);
  const hint = await page.locator("#resume-file-hint").innerText();
  const limit = hint.match(/up to (\d+ MiB)/)?.[1];
  expect(limit).toBeTruthy();
  let uploads = 0;
  page.on("request", (r) => {
    if (r.method() === "POST") uploads += 1;
  });
  const big = info.outputPath("big.txt");
  fs.writeFileSync(big, Buffer.alloc(15 * 1000 * 1000, "a"));
  const input = page.getByLabel("Resume file");
  await input.setInputFiles(big);
  await expect(page.getByRole("alert")).toHaveText(`The resume is larger than ${limit}.`);
  await expect(input).toHaveAttribute("aria-invalid", "true");
  await expect(input).toBeFocused();
  await page.getByLabel("Job posting", { exact: true }).fill("Data analyst. Requirements: SQL.");
  await page.getByRole("button", { name: "Tailor my resume" }).click();
  await expect(page.getByRole("alert")).toHaveText(`The resume is larger than ${limit}.`);
  expect(uploads).toBe(0);

  const exe = info.outputPath("cv.exe");
  fs.writeFileSync(exe, "MZ");
  await input.setInputFiles(exe);
  await expect(page.getByRole("alert")).toHaveText("'cv.exe' is not a PDF, DOCX, TXT or Markdown file.");
  expect(uploads).toBe(0);
});

test("the field at fault is marked and focused", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  await page.getByLabel("Resume text").fill(fixture("resumes/gdg_data_analyst.txt"));
  await page.getByRole("button", { name: "Tailor my resume" }).click();
  await expect(page.getByRole("alert")).toContainText("Add the job posting");
  const job = page.getByLabel("Job posting", { exact: true });
  await expect(job).toHaveAttribute("aria-invalid", "true");
  await expect(job).toBeFocused();
  await expect(page.getByLabel("Resume text")).toHaveAttribute("aria-invalid", "false");
  await expect(page.getByLabel("Job posting URL")).toHaveAttribute("aria-invalid", "false");
});

test("an unreachable job address fails with where and why, in words", async ({ page }) => {
  const port = await closedPort();
  await page.goto("/");
  await hydrated(page);
  await page.getByLabel("Resume text").fill(fixture("resumes/gdg_data_analyst.txt"));
  await page.getByLabel("Job posting URL").fill(`http://127.0.0.1:${port}/job`);
  await page.getByRole("button", { name: "Tailor my resume" }).click();
  const failure = page.getByRole("alert").filter({ hasText: "What went wrong" });
  await expect(failure).toContainText(
    `Could not connect to 127.0.0.1:${port} (connection refused). Check the address or paste the posting's text.`,
  );
  await expect(failure).not.toContainText("error sending request");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the form posts and lands on the job's page", async ({ page }) => {
    await page.goto("/");
    await page.getByLabel("Resume text").fill(fixture("resumes/gdg_data_analyst.txt"));
    await page.getByLabel("Job posting", { exact: true }).fill(fixture("jobs/gdg_jd_data_analyst.txt"));
    await page.getByRole("button", { name: "Tailor my resume" }).click();
    await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
    const id = page.url().split("/").pop();
    await expect.poll(async () => (await (await page.request.get(`/api/jobs/${id}/snapshot`)).json()).status).toBe("completed");
    await page.reload();
    await expect(page.getByRole("heading", { name: "Your tailored resume is ready" })).toBeVisible();
    const result = await (await page.request.get(`/api/jobs/${id}/result`)).json();
    await expect(page.locator(`.score-value[data-metric="match_score_after"]`)).toHaveText(String(result.score_after.total));
    await expect(page.getByRole("link", { name: "See the results" })).toBeVisible();
  });
});
