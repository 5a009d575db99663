/**
 * A local HTTP server of filter-list sources for the source-fetching tests: lists with an ETag
 * or a Last-Modified validator, redirect chains and redirects to refused addresses, bodies
 * larger than the caps (with and without an honest Content-Length, and gzip that expands past
 * them), responses that hang, and error statuses. It listens on 127.0.0.1 — a private address
 * the Worker reaches only because the tests list it in SOURCE_ALLOW_PRIVATE_HOSTS.
 *
 * GET /__stats answers `{ requests, conditionalHits, conditionalHeaders }` keyed by path, so a
 * test can tell a 304 revalidation from a full download. For published lists: `PUT /mutable/<name>`
 * sets a list that `GET /mutable/<name>` serves with an ETag that changes with it; `POST /hook/<name>`
 * (204) and `/hook-fail/<name>` (500) record webhook deliveries, read back from `GET /__hooks/<name>`. Paths take a caller-chosen last
 * segment so tests never share counters or cache entries.
 */
import { createServer } from "node:http";
import { gzipSync } from "node:zlib";

const LIST_LAST_MODIFIED = "Wed, 01 Jan 2025 00:00:00 GMT";
const STREAM_CHUNK_BYTES = 64 * 1024;

export const listBody = (name) => `! Title: ${name}\n||ads.${name}.example^\n||tracker.${name}.example^\n`;

/**
 * @param {number} [listenPort] a fixed port (the e2e stack is told it in advance); any free one by default
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export function startSourceServer(listenPort = 0) {
  const requests = {};
  const conditionalHits = {};
  const conditionalHeaders = {};
  const changingVersions = {};
  const sockets = new Set();
  const gzipBombs = new Map();
  const mutable = {};
  const hooks = {};

  const bump = (table, key) => {
    table[key] = (table[key] ?? 0) + 1;
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url, "http://source.test");
    const path = url.pathname;
    const [, route, ...rest] = path.split("/");
    const name = rest.at(-1) ?? "";
    if (path !== "/__stats") bump(requests, path);
    const ifNoneMatch = request.headers["if-none-match"];
    const ifModifiedSince = request.headers["if-modified-since"];
    if (ifNoneMatch || ifModifiedSince) conditionalHeaders[path] = { ifNoneMatch, ifModifiedSince };
    const notModified = () => {
      bump(conditionalHits, path);
      response.writeHead(304).end();
    };
    const text = (status, body, headers = {}) =>
      response.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", ...headers }).end(body);

    switch (route) {
      case "__stats":
        response.writeHead(200, { "Content-Type": "application/json" });
        response.end(JSON.stringify({ requests, conditionalHits, conditionalHeaders }));
        return;
      case "mutable": {
        if (request.method === "PUT") {
          const chunks = [];
          request.on("data", (chunk) => chunks.push(chunk));
          request.on("end", () => {
            const version = (mutable[name]?.version ?? 0) + 1;
            mutable[name] = { version, body: Buffer.concat(chunks).toString("utf8") };
            response.writeHead(204).end();
          });
          return;
        }
        const list = mutable[name];
        if (!list) return text(404, "no such list\n");
        const etag = `"m${list.version}-${name}"`;
        if (ifNoneMatch === etag) return notModified();
        return text(200, list.body, { ETag: etag });
      }
      case "hook":
      case "hook-fail": {
        const chunks = [];
        request.on("data", (chunk) => chunks.push(chunk));
        request.on("end", () => {
          hooks[name] ??= [];
          hooks[name].push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
          if (route === "hook") response.writeHead(204).end();
          else text(500, "receiver down\n");
        });
        return;
      }
      case "__hooks":
        response.writeHead(200, { "Content-Type": "application/json" });
        response.end(JSON.stringify(hooks[name] ?? []));
        return;
      case "etag": {
        const etag = `"v1-${name}"`;
        if (ifNoneMatch === etag) return notModified();
        return text(200, listBody(name), { ETag: etag });
      }
      case "changing-etag": {
        // A list that changes on every request: revalidation always downloads the new version.
        const version = (changingVersions[name] ?? 0) + 1;
        changingVersions[name] = version;
        return text(200, `${listBody(name)}! version ${version}\n`, { ETag: `"${version}"` });
      }
      case "last-modified": {
        if (ifModifiedSince && Date.parse(ifModifiedSince) >= Date.parse(LIST_LAST_MODIFIED)) return notModified();
        return text(200, listBody(name), { "Last-Modified": LIST_LAST_MODIFIED });
      }
      case "plain":
        return text(200, listBody(name));
      case "redirect": {
        // /redirect/<n>/<name>: n more redirects, then a list with an ETag.
        const remaining = Number(rest[0]);
        if (remaining > 0) {
          response.writeHead(302, { Location: `/redirect/${remaining - 1}/${name}` }).end();
          return;
        }
        const etag = `"r-${name}"`;
        if (ifNoneMatch === etag) return notModified();
        return text(200, listBody(name), { ETag: etag });
      }
      case "redirect-to":
        response.writeHead(302, { Location: url.searchParams.get("location") ?? "" }).end();
        return;
      case "stream":
        return streamBytes(response, Number(url.searchParams.get("bytes")));
      case "declared":
        // An honest Content-Length over the cap, and a body that never comes: only an early refusal is fast.
        response.writeHead(200, { "Content-Type": "text/plain", "Content-Length": url.searchParams.get("bytes") });
        response.flushHeaders();
        return;
      case "gzip-bomb": {
        const bytes = Number(url.searchParams.get("bytes"));
        if (!gzipBombs.has(bytes)) gzipBombs.set(bytes, gzipSync(Buffer.alloc(bytes, "a")));
        const body = gzipBombs.get(bytes);
        response.writeHead(200, {
          "Content-Type": "text/plain",
          "Content-Encoding": "gzip",
          "Content-Length": String(body.byteLength),
        });
        response.end(body);
        return;
      }
      case "utf8": {
        // A BOM, then "é" split across two writes: decoding must not break the character.
        const bytes = Buffer.from("\uFEFF! Liste für café\n||café.example^\n", "utf8");
        const split = bytes.indexOf(0xc3) + 1;
        response.writeHead(200, { "Content-Type": "text/plain; charset=iso-8859-1" });
        response.write(bytes.subarray(0, split));
        setTimeout(() => response.end(bytes.subarray(split)), 20);
        return;
      }
      case "hang":
        return;
      case "hang-body":
        response.writeHead(200, { "Content-Type": "text/plain" });
        response.write("||partial.example^\n");
        return;
      case "status":
        return text(Number(rest[0]), `status ${rest[0]}\n`);
      default:
        return text(404, "no such fixture\n");
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenPort, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** `total` bytes of filter rules, chunked, with no Content-Length; stops when the client goes away. */
function streamBytes(response, total) {
  const line = Buffer.from("||stream.example^\n");
  const chunk = Buffer.alloc(STREAM_CHUNK_BYTES);
  for (let offset = 0; offset < chunk.byteLength; offset += line.byteLength) line.copy(chunk, offset);
  response.writeHead(200, { "Content-Type": "text/plain" });
  let sent = 0;
  const writeMore = () => {
    while (sent < total && !response.destroyed) {
      const piece = chunk.subarray(0, Math.min(chunk.byteLength, total - sent));
      sent += piece.byteLength;
      if (!response.write(piece)) return void response.once("drain", writeMore);
    }
    if (!response.destroyed) response.end();
  };
  response.on("error", () => {});
  writeMore();
}
