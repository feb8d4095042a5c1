import { test, expect, Page } from "@playwright/test";
import { execFileSync } from "child_process";
import * as path from "path";

import { fixture } from "./fixtures";
const shots = path.join(__dirname, "..", "screenshots");

/** A finished job of this browser, on its Review page. */
async function reviewPage(page: Page) {
  const started = await page.request.post("/api/pipeline/start", {
    data: { resume_text: fixture("resumes/gdg_data_analyst.txt"), job_text: fixture("jobs/gdg_jd_data_analyst.txt") },
  });
  expect(started.status()).toBe(201);
  const { job_id } = await started.json();
  await expect.poll(async () => (await (await page.request.get(`/api/jobs/${job_id}/snapshot`)).json()).status).toBe("completed");
  await page.goto(`/jobs/${job_id}/review`);
  await page.locator("body[data-hydrated]").waitFor();
  return job_id as string;
}

/** The text of a download, read back: DOCX through its document.xml, PDF through pdftotext. */
async function downloadText(page: Page, label: RegExp): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: label }).first().click()]);
  const file = await download.path();
  const name = download.suggestedFilename();
  const raw = name.endsWith(".docx")
    ? execFileSync("unzip", ["-p", file, "word/document.xml"]).toString().replace(/<\/w:p>/g, "\n").replace(/<[^>]*>/g, "")
    : execFileSync("pdftotext", [file, "-"]).toString();
  return { name, text: raw.replace(/\s+/g, " ") };
}

const score = async (page: Page) => Number(await page.locator('[data-metric="score_after"]').textContent());

async function decideFlows(page: Page, width: string) {
  await reviewPage(page);
  // The fit verdict and the evidence are on the page.
  await expect(page.getByTestId("fit-verdict")).toHaveText(/strong|fair|stretch|mismatch/);
  await expect(page.getByTestId("version")).toHaveText("showing version 0");

  // Compare view: the job's terms are highlighted in both panes, with the
  // term on focus; the panes scroll together.
  const original = page.getByLabel("Original resume");
  const tailored = page.getByLabel("Tailored resume");
  await expect(original.locator("mark.term-hit").first()).toBeVisible();
  await expect(tailored.locator("mark.term-hit").first()).toBeVisible();
  const hit = tailored.locator("mark.term-hit").first();
  await hit.focus();
  await expect(hit).toBeFocused();
  await expect(hit).toHaveAttribute("data-term", /^Job term: /);
  // This resume is short: make both panes scroll to see them follow each other.
  for (const pane of [original, tailored]) await pane.evaluate((el) => (el.style.maxHeight = "6rem"));
  await original.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect.poll(() => tailored.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
  for (const pane of [original, tailored]) await pane.evaluate((el) => (el.style.maxHeight = ""));

  // 1. Drop the summary, with the keyboard alone: gone from the page and
  //    from the DOCX and the PDF, whose names say the version.
  const summaryText = (await page.getByTestId("change-summary").locator("strong").textContent())!.match(/"(.*)"/)![1];
  expect((await downloadText(page, /^Download DOCX/)).text).toContain(summaryText);
  const drop = page.getByRole("button", { name: /^Drop this change: Added a summary/ });
  await drop.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("change-summary")).toContainText("Dropped");
  await expect(page.getByTestId("version")).toHaveText("showing version 1");
  await expect(tailored).not.toContainText(summaryText);
  const docx = await downloadText(page, /^Download DOCX/);
  expect(docx.name).toMatch(/tailored v1\.docx$/);
  expect(docx.text).not.toContain(summaryText);
  const pdf = await downloadText(page, /^Download PDF/);
  expect(pdf.name).toMatch(/tailored v1\.pdf$/);
  expect(pdf.text).not.toContain(summaryText.slice(0, 30));
  await page.screenshot({ path: path.join(shots, `decide-dropped-${width}.png`), fullPage: true });

  // 2. "I have this": the posting's sentence is shown; confirmed in the
  //    skills, the term is "added by you" and the score rises by what the
  //    breakdown adds up to.
  const before = await score(page);
  const missing = page.getByTestId("missing-problem-solving");
  await expect(missing.locator(".posting-says")).toContainText("The posting:");
  await missing.getByText("I have this").click();
  await missing.getByLabel("Where it belongs").selectOption("skills");
  await missing.getByRole("button", { name: "Add problem-solving" }).click();
  await expect(page.getByTestId("confirmed")).toContainText("added by you");
  await expect(page.getByTestId("version")).toHaveText("showing version 2");
  const after = await score(page);
  expect(after).toBeGreaterThan(before);
  const points = await page.locator("table.breakdown tbody tr td:nth-child(4)").allTextContents();
  const sum = points.map((p) => Number(p.split("/")[0])).reduce((a, b) => a + b, 0);
  expect(Math.min(100, Math.round(sum))).toBe(after);
  await expect(tailored).toContainText("Added by you: problem-solving");
  await page.locator(".review-grid").screenshot({ path: path.join(shots, `decide-confirmed-${width}.png`) });

  // 3. Edit a bullet in place, adding a number the original does not have:
  //    kept, and flagged.
  const line = page.locator(".edit-lines li").filter({ hasText: /experience/i }).first();
  await line.locator("summary").click();
  const box = line.getByLabel("Your wording");
  const old = await box.inputValue();
  await box.fill(`${old} for 987 clients`);
  await line.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("edit-flags")).toContainText("number: 987");
  await expect(tailored).toContainText("for 987 clients");
  await expect(page.getByTestId("version")).toHaveText("showing version 3");
  await page.screenshot({ path: path.join(shots, `decide-edited-${width}.png`), fullPage: true });

  // 4. Back to version 1: the confirmation and the edit are gone.
  await page.getByRole("button", { name: "Restore version 1" }).click();
  await expect(page.getByTestId("version")).toHaveText("showing version 4");
  await expect(tailored).not.toContainText("for 987 clients");
  await expect(page.getByTestId("confirmed")).toHaveCount(0);
  expect(await score(page)).toBe(before);

  // A reload shows the same version: the decisions are kept with the job.
  await page.reload();
  await page.locator("body[data-hydrated]").waitFor();
  await expect(page.getByTestId("version")).toHaveText("showing version 4");
  await expect(page.getByTestId("change-summary")).toContainText("Dropped");
  await page.screenshot({ path: path.join(shots, `decide-restored-${width}.png`), fullPage: true });
  await page.locator("section.decisions").screenshot({ path: path.join(shots, `decide-changes-${width}.png`) });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: path.join(shots, `decide-restored-${width}-dark.png`), fullPage: true });
  await page.locator("section.decisions").screenshot({ path: path.join(shots, `decide-changes-${width}-dark.png`) });
  await page.getByLabel("Tailored resume").screenshot({ path: path.join(shots, `decide-compare-${width}-dark.png`) });
}

test("the person decides on the Review page (desktop)", async ({ page }) => {
  await decideFlows(page, "desktop");
});

test.describe("phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  test("the person decides on the Review page (phone)", async ({ page }) => {
    await decideFlows(page, "phone");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
  });
});

test("a share link shows the decisions and offers none", async ({ page, browser }) => {
  const job = await reviewPage(page);
  const share = await (await page.request.post(`/api/jobs/${job}/share`)).json();
  const guest = await browser.newPage();
  await guest.goto(share.url);
  await guest.locator("body[data-hydrated]").waitFor();
  await expect(guest.getByTestId("shared-note")).toBeVisible();
  await expect(guest.getByTestId("change-summary")).toBeVisible();
  await expect(guest.getByRole("button", { name: /^Drop this change/ })).toHaveCount(0);
  await expect(guest.getByText("I have this")).toHaveCount(0);
  const refused = await guest.request.post(`/api/jobs/${job}/decisions`, { data: { action: "restore", version: 0 } });
  expect(refused.status()).toBe(404);
  await guest.close();
});
