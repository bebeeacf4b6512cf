/**
 * A WebSub hub stand-in on loopback for the worker tests (runs in Node, in
 * the global setup). It records every publish ping and answers by the first
 * path segment, so one server plays every kind of hub:
 *
 * - `POST /ok/<label>`: 204 No Content (a hub accepting the ping);
 * - `POST /fail/<label>`: 500 every time;
 * - `POST /flaky/<label>`: 503 the first time, then 204;
 * - `POST /refuse/<label>`: 403 (not worth a retry);
 * - `POST /hang/<label>`: never answers (the server drops it when it closes);
 * - `GET /_recorded/<label>`: the pings received for `<label>`, as JSON.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

import type { RecordedPing } from "./fixtures";

export type { RecordedPing } from "./fixtures";

/** A running stub: its base URL (no trailing slash) and how to stop it. */
export interface HubStub {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts the stub on a free loopback port. */
export async function startHubStub(): Promise<HubStub> {
  const recorded = new Map<string, RecordedPing[]>();
  const server = createServer(async (request, response) => {
    const [, behaviour = "", ...rest] = (request.url ?? "/").split("?")[0]!.split("/");
    const label = decodeURIComponent(rest.join("/"));
    if (request.method === "GET" && behaviour === "_recorded") {
      response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(recorded.get(label) ?? []));
      return;
    }
    const body = await readBody(request);
    const pings = recorded.get(label) ?? [];
    pings.push({ behaviour, contentType: request.headers["content-type"] ?? null, body });
    recorded.set(label, pings);
    switch (behaviour) {
      case "ok":
        response.writeHead(204).end();
        return;
      case "flaky":
        response.writeHead(pings.length === 1 ? 503 : 204).end();
        return;
      case "refuse":
        response.writeHead(403).end("no");
        return;
      case "hang":
        return; // no answer at all
      default:
        response.writeHead(500).end("broken hub");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
