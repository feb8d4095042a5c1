import { test, expect, Page } from "@playwright/test";
import * as path from "path";

import { fixture } from "./fixtures";
const shots = path.join(__dirname, "..", "screenshots");

// At a phone's width, what a person reads must be whole: no word broken
// across two lines ("COM/PLETE/D", "Delet/e"), no text cut off by its box.

const PHONE = { width: 390, height: 844 };
test.use({ viewport: PHONE, isMobile: true, hasTouch: true });

/** Every word of visible text whose letters land on more than one line, and
 * every element whose text is cut off (overflow hidden/clip with more
 * content than box), except boxes that scroll or clamp on purpose. */
async function brokenText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : ""}`;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest("pre, .visually-hidden, script, style, [aria-hidden=true]")) continue;
      const style = getComputedStyle(parent);
      if (style.display === "none" || style.visibility === "hidden") continue;
      const text = node.textContent ?? "";
      const re = /[^\s\u2014\u2013\-\/]{2,}/g;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (tops.size > 1) problems.push(`"${m[0]}" breaks across lines in ${describe(parent)}`);
      }
    }
    for (const el of Array.from(document.querySelectorAll("body *"))) {
      const style = getComputedStyle(el);
      if (style.display === "none" || el.closest(".visually-hidden")) continue;
      if (!["hidden", "clip"].includes(style.overflowX) && !["hidden", "clip"].includes(style.overflowY)) continue;
      // Clamped on purpose, with a way to open it in full; bars have no text.
      if (style.webkitLineClamp && style.webkitLineClamp !== "none") continue;
      if (!(el.textContent ?? "").trim()) continue;
      // Visually hidden on purpose (for screen readers only).
      if (el.clientWidth <= 1 || el.clientHeight <= 1) continue;
      if (el.scrollWidth > el.clientWidth + 1) problems.push(`text cut off at the side of ${describe(el)}`);
    }
    if (document.documentElement.scrollWidth > window.innerWidth + 1) problems.push("the page scrolls sideways");
    return problems;
  });
}

test("every screen's text is whole at phone width", async ({ page }) => {
  const started = await page.request.post("/api/pipeline/start", {
    data: { resume_text: fixture("resumes/pwdevens_designer_elizabeth_ross.txt"), job_text: fixture("jobs/gdg_jd_data_analyst.txt") },
  });
  const { job_id } = await started.json();
  await expect.poll(async () => (await (await page.request.get(`/api/jobs/${job_id}/snapshot`)).json()).status).toBe("completed");
  // A failed and a canceled job too, so History shows every badge.
  await page.request.post("/api/pipeline/start", { data: { resume_text: fixture("resumes/gdg_data_analyst.txt"), job_url: "http://127.0.0.1:1/job" } });

  const problems: string[] = [];
  for (const [url, name] of [["/", "upload"], [`/jobs/${job_id}`, "processing"], ["/jobs", "history"], ["/about", "about"]] as const) {
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(url);
      await page.locator("body[data-hydrated]").waitFor();
      problems.push(...(await brokenText(page)).map((p) => `${url}: ${p}`));
      await page.screenshot({ path: path.join(shots, `${name}-${scheme}-phone.png`), fullPage: true });
    }
  }
  expect(problems).toEqual([]);
});
