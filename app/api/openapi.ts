/**
 * The OpenAPI 3.1 document of the JSON API, assembled from the operations each route declares
 * beside its code (its guard options, query, body and answers), so it cannot drift from what the
 * server enforces.
 */
import { z } from "zod";
import packageJson from "../../package.json";
import * as adminMetrics from "../routes/api.admin.metrics";
import * as clerkConfig from "../routes/api.clerk-config";
import * as compile from "../routes/api.compile";
import * as compileAsync from "../routes/api.compile.async";
import * as compileBatch from "../routes/api.compile.batch";
import * as compileBatchAsync from "../routes/api.compile.batch.async";
import * as compileExplain from "../routes/api.compile.explain";
import * as compileJobs from "../routes/api.compile.jobs";
import * as compileJobRerun from "../routes/api.compile.jobs.$id.rerun";
import * as compileStream from "../routes/api.compile.stream";
import * as health from "../routes/api.health";
import * as apiKeys from "../routes/api.keys";
import * as apiKey from "../routes/api.keys.$id";
import * as lists from "../routes/api.lists";
import * as list from "../routes/api.lists.$id";
import * as listDiff from "../routes/api.lists.$id.diff";
import * as listRefresh from "../routes/api.lists.$id.refresh";
import * as listRotateSlug from "../routes/api.lists.$id.rotate-slug";
import * as listVersions from "../routes/api.lists.$id.versions";
import * as listVersionDecision from "../routes/api.lists.$id.versions.$number.$decision";
import * as listWebhooks from "../routes/api.lists.$id.webhooks";
import * as listWebhook from "../routes/api.lists.$id.webhooks.$endpointId";
import * as listWebhookSecret from "../routes/api.lists.$id.webhooks.$endpointId.rotate-secret";
import * as me from "../routes/api.me";
import * as queueResult from "../routes/api.queue.results.$id";
import * as turnstileConfig from "../routes/api.turnstile-config";
import * as version from "../routes/api.version";
import * as clerkWebhook from "../routes/api.webhooks.clerk";
import { defineOperation, type Operation } from "./operation";

/** This document, served by `api.openapi[.]json.ts` (declared here: that route serves what this module builds). */
const getOpenApiDocument = defineOperation({
  method: "get",
  path: "/api/openapi.json",
  operationId: "getOpenApiDocument",
  summary: "This document",
  responses: {
    200: { description: "The OpenAPI 3.1 document.", json: z.looseObject({ openapi: z.string() }) },
  },
});

export const OPERATIONS: readonly Operation[] = [
  health,
  version,
  clerkConfig,
  turnstileConfig,
  me,
  apiKeys,
  apiKey,
  compile,
  compileStream,
  compileBatch,
  compileAsync,
  compileBatchAsync,
  compileExplain,
  compileJobs,
  compileJobRerun,
  queueResult,
  lists,
  list,
  listVersions,
  listVersionDecision,
  listDiff,
  listRefresh,
  listRotateSlug,
  listWebhooks,
  listWebhook,
  listWebhookSecret,
  adminMetrics,
  clerkWebhook,
].flatMap((route) => route.operations);

export function buildOpenApiDocument(serverUrl?: string) {
  const schemas: Record<string, Record<string, unknown>> = {};
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of [...OPERATIONS, getOpenApiDocument]) {
    paths[operation.path] ??= {};
    if (paths[operation.path][operation.method])
      throw new Error(`${operation.method} ${operation.path} is declared twice.`);
    paths[operation.path][operation.method] = operation.build(schemas);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Bloqr API",
      version: packageJson.version,
      description:
        "Compile ad/tracker block lists (AdGuard and hosts formats) from many sources into one clean list, " +
        "written as adblock, hosts, domains, dnsmasq, unbound, RPZ or AdGuard Home rules. " +
        "Errors always have the shape `{ error: { code, message } }`. Rate limits per minute: anonymous 10 (by IP), " +
        "free 60, pro 300, admin unlimited; limited responses carry `RateLimit-Limit`, `RateLimit-Remaining` and " +
        "`RateLimit-Reset`, and a 429 `Retry-After`. An operation's `security` lists, for API keys, the scope it needs.",
    },
    servers: serverUrl ? [{ url: serverUrl }] : [],
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "A Clerk session token, or an API key (`bqk_…`).",
        },
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key", description: "An API key (`bqk_…`)." },
        session: {
          type: "apiKey",
          in: "cookie",
          name: "__session",
          description:
            "The browser's Clerk session: the `__session` cookie counts only together with Clerk's `__client_uat` " +
            "cookie (set when the client signed in); writes (POST, PATCH, DELETE) must also be same-origin — an " +
            "`Origin` header equal to this server's (or `Sec-Fetch-Site: same-origin`) — else 403 `csrf_failed`.",
        },
        adminKey: {
          type: "apiKey",
          in: "header",
          name: "X-Admin-Key",
          description: "The operators' ADMIN_KEY, for /api/admin/* only.",
        },
      },
      schemas,
    },
    paths,
  };
}
