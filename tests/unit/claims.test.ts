/**
 * Numbers the landing page shows come from the latest `npm run bench:compile`, whose table is the
 * README's "Performance" section: every figure on the page must be in that section as written.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const FIGURE = /×\s?\d[\d.,]*|\d[\d.,]*\s?(?:ms|s|MB|lines)\b/g;

function performanceSection(): string {
  const readme = readFileSync("README.md", "utf8");
  const start = readme.indexOf("\n## Performance\n");
  expect(start, "README.md has a Performance section").toBeGreaterThan(-1);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe("performance claims", () => {
  it("every figure on the landing page is in the README's Performance section", () => {
    const landing = readFileSync("app/routes/_index.tsx", "utf8");
    const figures = landing.match(FIGURE) ?? [];
    expect(figures.length).toBeGreaterThan(0);
    const section = performanceSection();
    for (const figure of figures) expect(section, `"${figure}" from the landing page`).toContain(figure);
  });
});
