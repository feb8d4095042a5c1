import { test, expect } from "@playwright/test";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { fixture } from "./fixtures";
const shots = path.join(__dirname, "..", "screenshots");

test("the review page shows both versions, the score, the gaps and working downloads", async ({ page }) => {
  await page.goto("/");
  await page.locator("body[data-hydrated]").waitFor();
  await page.getByLabel("Resume text").fill(fixture("resumes/pwdevens_designer_elizabeth_ross.txt"));
  await page.getByLabel("Job posting", { exact: true }).fill(fixture("jobs/gdg_jd_data_analyst.txt"));
  await page.getByRole("button", { name: "Tailor my resume" }).click();
  await page.getByRole("link", { name: "See the results" }).click();

  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}\/review$/);
  await page.locator("body[data-hydrated]").waitFor();
  await expect(page.getByRole("heading", { name: "Match score" })).toBeVisible();
  await expect(page.getByLabel("Original resume")).toContainText("ELIZABETH ROSS");
  await expect(page.getByLabel("Tailored resume")).toContainText("Elizabeth Ross", { ignoreCase: true });
  await expect(page.getByRole("heading", { name: /Missing — add only if true/ })).toBeVisible();
  // Changed lines are marked with a label a screen reader reads, not only a colour.
  await expect(page.locator("mark.changed-line").first()).toContainText("Changed:");
  // Each change is listed once, with its reason and a way to drop it.
  await expect(page.getByRole("list", { name: "Changes Tailor proposed" }).getByRole("listitem").first()).toBeVisible();
  await expect(page.getByRole("list", { name: "Validation checks" }).getByRole("listitem").first()).toBeVisible();
  await page.screenshot({ path: path.join(shots, "review-desktop.png"), fullPage: true });

  for (const [label, ext] of [["Download DOCX", "docx"], ["Download PDF", "pdf"], ["Download Markdown", "md"], ["Download text", "txt"]]) {
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: label }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`\\.${ext}$`));
    const file = await download.path();
    expect(fs.statSync(file).size).toBeGreaterThan(200);
    if (ext === "docx") {
      // A DOCX is a zip archive holding word/document.xml.
      const bytes = fs.readFileSync(file);
      expect(bytes.subarray(0, 2).toString()).toBe("PK");
      expect(bytes.includes(Buffer.from("word/document.xml"))).toBe(true);
    }
    if (ext === "pdf") {
      const text = execFileSync("pdftotext", [file, "-"]).toString();
      expect(text.toLowerCase()).toContain("elizabeth ross");
    }
  }

  await page.getByRole("button", { name: "Copy to clipboard" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
});

test("the review page of an unknown job is a clear 404", async ({ page }) => {
  const response = await page.goto("/jobs/00000000-0000-4000-8000-000000000000/review");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "No results for this job" })).toBeVisible();
});
