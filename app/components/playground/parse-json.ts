/** JSON parsing for form fields: an error names the line and column, as an editor would. */

export type JsonParse = { ok: true; value: unknown } | { ok: false; message: string };

/** 1-based line and column of a character offset in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: before.length - lineStart + 1 };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const positionIn = (message: string) => {
  const match = /at position (\d+)/.exec(message);
  return match ? Number(match[1]) : null;
};

/** Whether the first `length` characters hold an error before their end (rather than just stopping early). */
function failsWithin(text: string, length: number): boolean {
  try {
    JSON.parse(text.slice(0, length));
    return false;
  } catch (error) {
    const message = messageOf(error);
    if (/Unexpected end of JSON input/.test(message)) return false;
    const position = positionIn(message);
    return position === null || position < length;
  }
}

/**
 * Where the error is. V8 (Node, workerd, Chromium) names the position in most messages but not in
 * "Unexpected token 'x', "…" is not valid JSON"; then the shortest failing prefix finds it.
 */
function errorOffset(text: string, message: string): number {
  const position = positionIn(message);
  if (position !== null) return position;
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (failsWithin(text, middle)) high = middle;
    else low = middle + 1;
  }
  return Math.max(0, low - 1);
}

/** What went wrong, without the engine's quote of the text (which can be megabytes long). */
function errorReason(message: string): string {
  const reason = message
    .replace(/, .*is not valid JSON$/s, "")
    .replace(/ (in|after) JSON at position \d+.*$/s, (_, where) => (where === "after" ? " after the end" : ""));
  return reason.charAt(0).toLowerCase() + reason.slice(1);
}

export function parseJson(text: string, label: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const message = messageOf(error);
    const { line, column } = lineAndColumn(text, errorOffset(text, message));
    return {
      ok: false,
      message: `${label} is not valid JSON at line ${line}, column ${column}: ${errorReason(message)}.`,
    };
  }
}
