import { expect, test } from "@playwright/test";
import { devSignIn } from "./fixtures";

test("signed out /dashboard → sign-in → back on the dashboard; sign-out → redirected again", async ({ page }) => {
  const email = `user-${Date.now()}@example.com`;
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/sign-in\?redirect_url=%2Fdashboard$/);

  await devSignIn(page, email, "user", "pro");
  await expect(page).toHaveURL("/dashboard");
  await expect(page.getByTestId("account-signed-in-as")).toHaveText(email);
  await expect(page.getByTestId("account-tier")).toHaveText("pro");
  await expect(page.getByTestId("account-role")).toHaveText("user");

  const admin = await page.goto("/admin");
  expect(admin?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Forbidden" })).toBeVisible();

  await page.goto("/dashboard");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL("/");
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("an admin sees /admin", async ({ page }) => {
  await page.goto("/sign-in?redirect_url=%2Fadmin");
  await devSignIn(page, `admin-${Date.now()}@example.com`, "admin");
  await expect(page).toHaveURL("/admin");
  await expect(page.getByRole("heading", { name: "Admin" })).toBeVisible();
});

test("the sign-in form explains a bad email next to the field", async ({ page }) => {
  await page.goto("/sign-in");
  await devSignIn(page, "not-an-email");
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
});

test("an open redirect in redirect_url is ignored", async ({ page }) => {
  await page.goto("/sign-in?redirect_url=%2F%2Fevil.example%2Fx");
  await devSignIn(page, `redirect-${Date.now()}@example.com`);
  await expect(page).toHaveURL("/dashboard");
});
