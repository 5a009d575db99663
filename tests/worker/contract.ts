/**
 * The API contract, checked on every response the worker suites receive: the served
 * `/api/openapi.json` must declare the operation, the status and the content type, and the body
 * must validate against the declared schema (each event's data, for an event stream). A response
 * that breaks it fails the test that made the call, with a message naming what to declare.
 */
import { registerSchema, type Validator, validate } from "@hyperjump/json-schema/draft-2020-12";

const DIALECT = "https://json-schema.org/draft/2020-12/schema";
const SCHEMA_BASE = "https://contract.bloqr.test/";
// Headers a client acts on: sent by an operation, they must be in its document.
const DECLARED_HEADERS = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After", "Location"];
// Methods a client does not call an operation with: Remix answers them for any route.
const UNDOCUMENTED_METHODS = new Set(["HEAD", "OPTIONS"]);
// Remix's own data-request parameter: Remix answers it (403 when it names another route) for any path.
const REMIX_DATA_PARAMETER = "_data";

type Json = Record<string, unknown>;
interface MediaType {
  schema?: Json;
  "x-events"?: Record<string, Json>;
}
interface DocumentedResponse {
  headers?: Record<string, unknown>;
  content?: Record<string, MediaType>;
}
interface DocumentedOperation {
  operationId: string;
  responses: Record<string, DocumentedResponse>;
}
interface PathEntry {
  template: string;
  operations: Record<string, DocumentedOperation>;
}

let paths: Promise<PathEntry[]> | undefined;
const validators = new Map<string, Promise<Validator>>();

/** The document's schema, standalone: its `#/components/schemas/X` refs point at registered copies. */
const standalone = (schema: Json): Json =>
  JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${SCHEMA_BASE}components/`));

function loadDocument(fetchDocument: () => Promise<Response>): Promise<PathEntry[]> {
  paths ??= (async () => {
    const document = (await (await fetchDocument()).json()) as {
      components: { schemas: Record<string, Json> };
      paths: Record<string, Record<string, DocumentedOperation>>;
    };
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      registerSchema({ $schema: DIALECT, ...standalone(schema) } as never, `${SCHEMA_BASE}components/${name}`);
    }
    return Object.entries(document.paths).map(([template, operations]) => ({
      template,
      operations,
    }));
  })();
  return paths;
}

function validatorFor(id: string, schema: Json): Promise<Validator> {
  let validator = validators.get(id);
  if (!validator) {
    registerSchema({ $schema: DIALECT, ...standalone(schema) } as never, `${SCHEMA_BASE}${id}`);
    validator = validate(`${SCHEMA_BASE}${id}`);
    validators.set(id, validator);
  }
  return validator;
}

async function schemaProblems(id: string, schema: Json, instance: unknown): Promise<string[]> {
  const output = (await validatorFor(id, schema))(instance as never, "BASIC");
  if (output.valid) return [];
  return (output.errors ?? [])
    .filter((unit) => !["properties", "items", "anyOf", "$ref", "allOf"].some((k) => unit.keyword.endsWith(`/${k}`)))
    .slice(0, 5)
    .map((unit) => `${unit.instanceLocation || "/"} fails ${unit.absoluteKeywordLocation.replace(SCHEMA_BASE, "")}`);
}

/** `event: name` / `data: {…}` blocks of an event stream (comments and heartbeats skipped). */
function parseEvents(text: string): { name: string; data: string }[] {
  return text
    .split("\n\n")
    .map((block) => {
      const lines = block.split("\n");
      const name = lines.find((line) => line.startsWith("event: "))?.slice(7);
      const data = lines
        .filter((line) => line.startsWith("data: "))
        .map((line) => line.slice(6))
        .join("\n");
      return name ? { name, data } : null;
    })
    .filter((event) => event !== null);
}

/** Remix matches a path by its segments, each percent-decoded on its own (`%2F` stays inside one). */
function segmentsOf(pathname: string): string[] {
  const segments = pathname.split("/").slice(1);
  if (segments.length > 1 && segments.at(-1) === "") segments.pop();
  return segments.map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
}

const matches = (template: string, segments: string[]) => {
  const parts = template.split("/").slice(1);
  return (
    parts.length === segments.length &&
    parts.every((part, index) => (/^\{.+\}$/.test(part) ? segments[index] !== "" : part === segments[index]))
  );
};

/** Every way `response` contradicts the document; empty when it keeps the contract. */
export async function contractProblems(
  request: Request,
  response: Response,
  fetchDocument: () => Promise<Response>,
): Promise<string[]> {
  const url = new URL(request.url);
  const method = request.method.toUpperCase();
  if (UNDOCUMENTED_METHODS.has(method) || url.searchParams.has(REMIX_DATA_PARAMETER)) return [];
  const { pathname } = url;
  const segments = segmentsOf(pathname);
  const entry = (await loadDocument(fetchDocument)).find((path) => matches(path.template, segments));
  const isApi = pathname === "/api" || pathname.startsWith("/api/");
  const status = response.status;
  if (!entry) {
    // Only the catch-all answers an /api path the document does not have, and only with 404.
    if (!isApi || status === 404) return [];
    return [
      `${method} ${pathname} answered ${status}, but the document has no operation for it: declare one with defineOperation beside the route and list it in app/api/openapi.ts`,
    ];
  }
  const operation = entry.operations[method.toLowerCase()];
  if (!operation) {
    if (status === 405 || status === 404) return [];
    return [
      `${method} ${entry.template} answered ${status}, but the document declares no ${method} operation on that path (only 405 is expected)`,
    ];
  }
  const where = `${method} ${entry.template} (operationId ${operation.operationId})`;
  const declared = operation.responses[String(status)];
  if (!declared) {
    return [
      `${where} answered ${status}, which it does not declare: add ${status} to its responses in defineOperation (declared: ${Object.keys(operation.responses).join(", ")})`,
    ];
  }
  const problems: string[] = [];
  for (const header of DECLARED_HEADERS) {
    if (response.headers.has(header) && !declared.headers?.[header]) {
      problems.push(`${where} ${status} sends the ${header} header, which the document does not declare`);
    }
  }
  const body = await response.clone().text();
  if (body === "") return problems;
  const contentType = (response.headers.get("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
  const media = declared.content?.[contentType];
  if (!media) {
    problems.push(
      `${where} ${status} answered ${contentType || "no Content-Type"}, which it does not declare (declared: ${Object.keys(declared.content ?? {}).join(", ") || "no body"})`,
    );
    return problems;
  }
  const id = `${operation.operationId}/${status}/${contentType}`;
  if (contentType === "application/json" && media.schema) {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return [...problems, `${where} ${status} answered application/json that is not JSON`];
    }
    for (const problem of await schemaProblems(id, media.schema, json)) problems.push(`${where} ${status}: ${problem}`);
  }
  if (contentType === "text/event-stream") {
    const events = media["x-events"] ?? {};
    for (const event of parseEvents(body)) {
      const schema = events[event.name];
      if (!schema) {
        problems.push(`${where} sent the event "${event.name}", which its x-events do not declare`);
        continue;
      }
      for (const problem of await schemaProblems(`${id}/${event.name}`, schema, JSON.parse(event.data))) {
        problems.push(`${where} event "${event.name}": ${problem}`);
      }
    }
  }
  return problems;
}
