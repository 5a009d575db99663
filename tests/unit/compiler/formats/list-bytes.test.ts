import { describe, expect, it } from "vitest";
import { ListBytes } from "~/compiler/formats/list-bytes";
import { isPlainSubtree } from "~/compiler/formats/read-rule";
import { LineList } from "~/compiler/line-list";

/** The definition `isPlainSubtree` must agree with, written the slow and obvious way. */
function isPlainByDefinition(line: string): boolean {
  const match = /^\|\|([a-z0-9_.-]+)\^$/.exec(line);
  if (!match) return false;
  const name = match[1];
  if (name.length > 253) return false;
  const labels = name.split(".");
  if (labels.some((label) => label.length === 0 || label.length > 63 || /^-|-$/.test(label))) return false;
  return /[a-z_-]/.test(name); // dotted digits are an IP address
}

function bytesOf(line: string): Uint8Array {
  return new TextEncoder().encode(line);
}

/** A seeded generator, so a failure repeats. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

describe("isPlainSubtree", () => {
  it("agrees with the definition on the edge cases", () => {
    const lines = [
      "||ads.example.com^",
      "||a^",
      "||_dmarc.example^",
      "||a-b.c--d.example^",
      "||-a.example^",
      "||a-.example^",
      "||a..example^",
      "||.example^",
      "||example.^",
      "||1.2.3.4^",
      "||1.2.3.4a^",
      "||Example.com^",
      "||exa*mple.com^",
      "||example.com/path^",
      "||example.com^$important",
      "|example.com^",
      "||^",
      "||é.example^",
      `||${"a".repeat(63)}.example^`,
      `||${"a".repeat(64)}.example^`,
      `||${"abcdefghi.".repeat(25)}abc^`,
      `||${"abcdefghi.".repeat(25)}abcd^`,
    ];
    for (const line of lines)
      expect([line, isPlainSubtree(bytesOf(line), 0, line.length)]).toEqual([line, isPlainByDefinition(line)]);
  });

  it("agrees with the definition on random lines of name characters", () => {
    const next = random(17);
    const alphabet = "ab9_-.A*";
    for (let count = 0; count < 20_000; count++) {
      let name = "";
      const length = 1 + Math.floor(next() * 12);
      for (let index = 0; index < length; index++) name += alphabet[Math.floor(next() * alphabet.length)];
      const line = `||${name}^`;
      expect([line, isPlainSubtree(bytesOf(line), 0, line.length)]).toEqual([line, isPlainByDefinition(line)]);
    }
  });
});

describe("ListBytes", () => {
  /** Lines from two texts interleaved (as Compress leaves a list), a few not ASCII, read in `order`. */
  function check(list: LineList, order: number[]): void {
    const bytes = new ListBytes(list);
    for (const index of order) {
      const line = list.get(index);
      const ascii = [...line].every((character) => character.charCodeAt(0) < 128);
      expect([index, bytes.load(index)]).toEqual([index, ascii]);
      if (!ascii) continue;
      const start = list.startOf(index) - bytes.offset;
      expect(new TextDecoder().decode(bytes.bytes.subarray(start, start + line.length))).toBe(line);
    }
    bytes.release();
  }

  function interleavedList(): LineList {
    const lines = Array.from({ length: 20_000 }, (_, index) =>
      index % 997 === 5 ? `||ünïcode${index}.example^` : `||host${index}.example^`,
    );
    const list = LineList.fromText(lines.join("\n"));
    // every third line rewritten: it now lives in another text, between lines of the first
    return list.map((line) => (line.length % 3 === 0 ? `${line}$important` : line));
  }

  it("gives each ASCII line's bytes, in order, across texts and non-ASCII lines", () => {
    const list = interleavedList();
    check(
      list,
      Array.from({ length: list.length }, (_, index) => index),
    );
  });

  it("gives the same bytes when the lines are read out of order", () => {
    const list = interleavedList();
    const next = random(3);
    check(
      list,
      Array.from({ length: 5_000 }, () => Math.floor(next() * list.length)),
    );
  });
});
