import { test, expect } from "@playwright/test";

test("the About page gives the skills data's attribution", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "About" }).click();
  await expect(page.getByRole("heading", { name: "About Tailor" })).toBeVisible();
  await expect(page.getByText(/O\*NET 30 Database/)).toBeVisible();
  await expect(page.getByText(/CC BY 4\.0/).first()).toBeVisible();
  await expect(page.getByText(/has not approved, endorsed, or tested/)).toBeVisible();
});
