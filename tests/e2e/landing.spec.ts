import { expect, test } from "@playwright/test";

test("the landing page renders on the server and hydrates without CSP violations", async ({ page }) => {
  const problems: string[] = [];
  page.on("console", (message) => message.type() === "error" && problems.push(message.text()));
  page.on("pageerror", (error) => problems.push(error.message));

  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Every block list");
  await expect(page.getByRole("link", { name: "Read the API docs" })).toHaveAttribute("href", "/docs");
  await expect(page.getByRole("link", { name: "Sign in to start" })).toBeVisible();

  // Hydration happened: React took over the document (client navigation works without a reload).
  await page.waitForFunction(() => (window as unknown as { __remixContext?: unknown }).__remixContext !== undefined);
  expect(problems).toEqual([]);
});

test("an unknown page shows the styled 404 page", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Back to Bloqr" }).click();
  await expect(page).toHaveURL("/");
});

test("an unknown API path answers JSON in the error shape", async ({ request }) => {
  const response = await request.get("/api/does-not-exist");
  expect(response.status()).toBe(404);
  expect(await response.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
});

test("health reports the database", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ status: "ok", db: "ok" });
});
