import type { Configuration, SourceConfiguration } from "./configuration";

export const COMPILER_NAME = "Bloqr";

/** What the list's header says about it. */
export type ListDescription = Pick<Configuration, "name" | "description" | "version" | "homepage" | "license">;

/** The comment block at the top of the list, in the reference's format. */
export function listHeader(configuration: ListDescription, lastModified: Date, compilerVersion: string): string[] {
  const lines = ["!", `! Title: ${configuration.name}`];
  if (configuration.description) lines.push(`! Description: ${configuration.description}`);
  if (configuration.version) lines.push(`! Version: ${configuration.version}`);
  if (configuration.homepage) lines.push(`! Homepage: ${configuration.homepage}`);
  if (configuration.license) lines.push(`! License: ${configuration.license}`);
  lines.push(`! Last modified: ${lastModified.toISOString()}`, "!");
  lines.push(`! Compiled by ${COMPILER_NAME} v${compilerVersion}`, "!");
  return lines;
}

/** The comment block before each source's rules. */
export function sourceHeader(source: SourceConfiguration): string[] {
  const lines = ["!"];
  if (source.name) lines.push(`! Source name: ${source.name}`);
  lines.push(`! Source: ${source.source}`, "!");
  return lines;
}
