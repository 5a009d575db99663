/**
 * The product's fixed vocabularies, shared by the database schema, the API schemas and the pages
 * (this module has no server dependencies, so the browser bundle can use it).
 */
export const TIERS = ["free", "pro", "admin"] as const;
export const ROLES = ["user", "admin"] as const;
export const API_KEY_SCOPES = ["compile", "compile:async", "keys:read", "keys:write"] as const;
export const COMPILATION_KINDS = ["sync", "stream", "batch", "async"] as const;
export const COMPILATION_STATUSES = ["queued", "running", "succeeded", "failed"] as const;
export const PRIORITIES = ["standard", "high"] as const;

export type Tier = (typeof TIERS)[number];
export type Role = (typeof ROLES)[number];
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
