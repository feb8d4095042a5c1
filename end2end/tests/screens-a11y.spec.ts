import { test, expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

import { fixture } from "./fixtures";

// Every screen, light and dark, desktop and phone: no serious or critical
// accessibility violation found by axe-core.

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
    test(`no serious or critical violations on any screen (${scheme}, ${size})`, async ({ page }) => {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
      const id = await finishedJob(page);
      const screens = ["/", `/jobs/${id}`, `/jobs/${id}/review`, "/jobs", "/about", "/jobs/00000000-0000-4000-8000-000000000000"];
      const found: string[] = [];
      for (const url of screens) {
        await page.goto(url);
        await page.locator("body[data-hydrated]").waitFor();
        const results = await new AxeBuilder({ page }).analyze();
        for (const v of results.violations) {
          if (v.impact === "serious" || v.impact === "critical") {
            found.push(`${url}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
          }
        }
      }
      expect(found).toEqual([]);
    });
  }
}

test("a skip link leads past the navigation, and navigation puts the focus on the new page's heading", async ({ page }) => {
  await page.goto("/");
  await page.locator("body[data-hydrated]").waitFor();
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "About" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toBeFocused();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "History" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "History" })).toBeFocused();
});

test("dark mode follows the system, and tags are readable", async ({ page }) => {
  const id = await finishedJob(page);
  const luminance = (rgb: string) => {
    const [r, g, b] = rgb.match(/\d+/g)!.map(Number);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`/jobs/${id}`);
    const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    if (scheme === "dark") expect(luminance(bg)).toBeLessThan(60);
    else expect(luminance(bg)).toBeGreaterThan(200);
    const sizes = await page.locator(".tag").evaluateAll((tags) => tags.map((t) => parseFloat(getComputedStyle(t).fontSize)));
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
  }
});
