/**
 * The CLI's errors, shared by its entry (dist/bloqr.cjs) and its compiler bundle. Each bundle has
 * its own copy of this module, so an error is recognised by its `exitCode`, not by `instanceof`.
 */

/** An error the user can act on: printed as one line, the process exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return `no such file: ${(error as NodeJS.ErrnoException).path}`;
    return error.message.split("\n")[0];
  }
  return String(error);
}

/** Prints `error` as one line on stderr and sets the exit status: the error's own, else 1. */
export function reportError(error: unknown): void {
  process.stderr.write(`error: ${describeError(error)}\n`);
  const exitCode = (error as Partial<CliError> | null)?.exitCode;
  process.exitCode = typeof exitCode === "number" ? exitCode : 1;
}
