import { describe, expect, it } from "vitest";
import { parseSubscribePath, subscribePath, withExpiresLine } from "~/services/list-files.server";
import { diffRules, rulesOf } from "~/services/list-refresh.server";

describe("subscribe paths", () => {
  it("one extension per format, and back", () => {
    expect(subscribePath("abc", "adblock")).toBe("/l/abc.txt");
    expect(subscribePath("abc", "hosts")).toBe("/l/abc.hosts.txt");
    expect(parseSubscribePath("abc.hosts.txt")).toEqual({ slug: "abc", format: "hosts" });
    expect(parseSubscribePath("ABC.TXT")).toEqual({ slug: "abc", format: "adblock" });
    expect(parseSubscribePath("abc.rpz.zone")).toEqual({ slug: "abc", format: "rpz" });
  });

  it("an unknown extension or no slug names nothing", () => {
    expect(parseSubscribePath("abc.exe")).toBeNull();
    expect(parseSubscribePath("abc")).toBeNull();
    expect(parseSubscribePath(".txt")).toBeNull();
  });
});

describe("the Expires line", () => {
  it("goes after the first line, in the file's own comment syntax", () => {
    expect(withExpiresLine("! Title: x\n||a^\n", 1440)).toBe("! Title: x\n! Expires: 1 day\n||a^\n");
    expect(withExpiresLine("# Title: x\n0.0.0.0 a\n", 60)).toBe("# Title: x\n# Expires: 1 hour\n0.0.0.0 a\n");
    expect(withExpiresLine("; zone\n", 7 * 1440)).toBe("; zone\n; Expires: 7 days\n");
  });

  it("rounds a short interval up to the hour blockers understand", () => {
    expect(withExpiresLine("! x\n", 5)).toContain("! Expires: 1 hour\n");
    expect(withExpiresLine("! x\n", 360)).toContain("! Expires: 6 hours\n");
  });
});

describe("rule diffs", () => {
  it("counts added and removed rules, ignoring the header and comments", () => {
    const before = rulesOf("! Title: x\n! Last modified: today\n||a^\n||b^\n# comment\n\n||c^\n");
    const after = rulesOf("! Title: x\n! Last modified: tomorrow\n||b^\n||c^\n||d^\n##.banner\n");
    expect(before).toEqual(["||a^", "||b^", "||c^"]);
    expect(diffRules(before, after)).toEqual({ added: ["||d^", "##.banner"], removed: ["||a^"] });
  });
});
