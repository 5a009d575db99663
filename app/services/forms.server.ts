/** Form posts for pages: CSRF-checked, validated with zod, errors keyed by field for display next to it. */
import type { z } from "zod";
import { assertSameOrigin } from "./csrf.server";

export type FieldErrors = Record<string, string>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

// Page forms carry a name, a few checkboxes or a configuration; 1 MB leaves room for the last.
// server.ts reads every page action's body up to this cap before Remix sees it.
export const MAX_PAGE_FORM_BYTES = 1024 * 1024;

export async function readForm(request: Request): Promise<FormData> {
  assertSameOrigin(request);
  if (Number(request.headers.get("Content-Length")) > MAX_PAGE_FORM_BYTES) {
    throw new Response("The form is too large.", { status: 413 });
  }
  return request.formData().catch(() => {
    // A body that is not a form (or a multipart one without its boundary) is the sender's mistake.
    throw new Response("The form could not be read.", { status: 400 });
  });
}

/** Repeated fields (checkboxes) become arrays; the schema decides what it accepts. */
function formObject(form: FormData): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    const values = form.getAll(key).filter((value): value is string => typeof value === "string");
    object[key] = values.length > 1 || key.endsWith("[]") ? values : values[0];
  }
  return object;
}

export function validateForm<T>(form: FormData, schema: z.ZodType<T>): FormResult<T> {
  const parsed = schema.safeParse(formObject(form));
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "form").replace(/\[\]$/, "");
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}
