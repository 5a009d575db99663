/** The admin page's role changes: nobody takes the admin role from themselves, and a change asks first. */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "~/db/schema";
import { postForm, signIn, type TestAccount, withDatabase } from "./accounts";

const postAdmin = (account: TestAccount, fields: Record<string, string>) => postForm(account, "/admin", fields);

const roleOf = (userId: string) =>
  withDatabase(async (db) => (await db.select().from(users).where(eq(users.id, userId)))[0]?.role);

describe("POST /admin set-access", () => {
  it("an administrator demoting themselves, confirmed → refused on the page, still admin in the database", async () => {
    const admin = await signIn({ tier: "admin", role: "admin" });
    const response = await postAdmin(admin, {
      intent: "set-access",
      userId: admin.userId,
      tier: "admin",
      role: "user",
      confirmed: "yes",
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("You cannot take away your own admin role; another administrator can.");
    expect(await roleOf(admin.userId)).toBe("admin");
  });

  it("without confirmed=yes → the question, and nothing changes", async () => {
    const admin = await signIn({ tier: "admin", role: "admin" });
    const other = await signIn({ tier: "free", role: "admin" });
    const asked = await postAdmin(admin, { intent: "set-access", userId: other.userId, tier: "free", role: "user" });
    expect(await asked.text()).toContain(`Change ${other.email} from free / admin to free / user?`);
    expect(await roleOf(other.userId)).toBe("admin");
  });
});
