/** Writes .dev.vars from .dev.vars.example with fresh secrets, only when it does not exist. */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

/** A pk_live_-shaped key naming a frontend API host that does not exist (see ARCHITECTURE §2). */
export function fakePublishableKey(host = "clerk.bloqr.localhost") {
  return `pk_live_${Buffer.from(`${host}$`).toString("base64")}`;
}

const quote = (pem) => `"${pem.trim().replaceAll("\n", "\\n")}"`;

export function generatedValues() {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return {
    CLERK_PUBLISHABLE_KEY: fakePublishableKey(),
    CLERK_SECRET_KEY: `sk_live_dev_${randomBytes(24).toString("hex")}`,
    CLERK_JWT_KEY: quote(publicKey),
    DEV_JWT_PRIVATE_KEY: quote(privateKey),
    CLERK_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString("base64")}`,
    ADMIN_KEY: randomBytes(32).toString("hex"),
    LIST_WEBHOOK_KEY: randomBytes(32).toString("hex"),
  };
}

export function renderDevVars(template, values = generatedValues()) {
  return template.replace(/^([A-Z0-9_]+)=<generated>$/gm, (_line, name) => {
    if (!(name in values)) throw new Error(`.dev.vars.example: no generator for ${name}`);
    return `${name}=${values[name]}`;
  });
}

/** @returns {boolean} true when a new file was written */
export function ensureDevVars({ examplePath = ".dev.vars.example", path = ".dev.vars" } = {}) {
  if (existsSync(path)) return false;
  writeFileSync(path, renderDevVars(readFileSync(examplePath, "utf8")), { mode: 0o600 });
  return true;
}

/**
 * Minimal dotenv reader (the format wrangler reads): KEY=value, "quoted\n" values, # comments.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseDevVars(text) {
  /** @type {Record<string, string>} */
  const vars = {};
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (!match) continue;
    let value = match[2];
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replaceAll("\\n", "\n");
    vars[match[1]] = value;
  }
  return vars;
}
