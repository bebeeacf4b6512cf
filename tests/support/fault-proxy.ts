/**
 * A fault-injecting HTTP proxy between the Worker and the local S3 server,
 * for the worker tests (Node side, started by the global setup).
 *
 * Each test opens a channel of its own: a loopback port that forwards to the
 * S3 server until the test switches it to a fault. Channels are independent,
 * so test files running in parallel never see each other's faults, and a
 * test keeps one endpoint (one store identity, one circuit breaker) across
 * its faults, as a Worker does while its store fails and recovers.
 *
 * Control API (on the control port, JSON):
 * - `POST /channels` -> `{ "endpoint": "http://127.0.0.1:<port>" }`
 * - `PUT /channels/<port>` with `{ "mode": ..., "delayMs"?, "methods"?, "pathIncludes"? }`
 *   switches the channel; `methods` and `pathIncludes` limit the fault to
 *   matching requests (the others pass).
 *
 * Modes:
 * - `pass`: forward unchanged;
 * - `down`: nothing listens on the port (connection refused);
 * - `slow`: forward after `delayMs` (default 400 ms);
 * - `hang`: accept the request and never answer;
 * - `reset`: reset the connection (TCP RST) on the request;
 * - `http500`: answer 500 with an S3 `InternalError` body;
 * - `truncated`: forward, but cut the response body off half-way (Content-Length unmet).
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { FAULT_MODES, type FaultSettings } from "./fault-modes";

/** The running proxy. */
export interface FaultProxy {
  /** Base URL of the control API. */
  controlUrl: string;
  close(): Promise<void>;
}

interface Channel {
  port: number;
  server: http.Server;
  sockets: Set<Socket>;
  settings: FaultSettings;
  listening: boolean;
}

/** Starts the proxy in front of the S3 server at `upstream` (e.g. `http://127.0.0.1:41234`). */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const channels = new Map<number, Channel>();

  function forward(request: http.IncomingMessage, response: http.ServerResponse, truncate: boolean): void {
    const outgoing = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers },
      (answer) => {
        if (!truncate) {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          const body = Buffer.concat(chunks);
          // Announce the whole body, send half of it, then drop the connection.
          response.writeHead(answer.statusCode ?? 502, { ...answer.headers, "content-length": String(body.length) });
          response.write(body.subarray(0, Math.floor(body.length / 2)));
          setTimeout(() => response.socket?.destroy(), 5);
        });
      },
    );
    outgoing.on("error", () => response.socket?.destroy());
    request.pipe(outgoing);
  }

  function applies(settings: FaultSettings, request: http.IncomingMessage): boolean {
    if (settings.methods && !settings.methods.includes(request.method ?? "")) return false;
    if (settings.pathIncludes && !decodeURIComponent(request.url ?? "").includes(settings.pathIncludes)) return false;
    return true;
  }

  function handle(channel: Channel, request: http.IncomingMessage, response: http.ServerResponse): void {
    const settings = channel.settings;
    const mode = applies(settings, request) ? settings.mode : "pass";
    switch (mode) {
      case "pass":
      case "down": // a request that arrived just before the switch
        forward(request, response, false);
        return;
      case "slow":
        setTimeout(() => forward(request, response, false), settings.delayMs ?? 400);
        return;
      case "hang":
        request.resume(); // read the body, answer never
        return;
      case "reset":
        request.socket.resetAndDestroy();
        return;
      case "http500":
        request.resume();
        response.writeHead(500, { "content-type": "application/xml" });
        response.end(
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>',
        );
        return;
      case "truncated":
        forward(request, response, true);
        return;
    }
  }

  function listen(channel: Channel): Promise<void> {
    return new Promise((resolve, reject) => {
      channel.server.once("error", reject);
      channel.server.listen(channel.port, "127.0.0.1", () => {
        channel.server.off("error", reject);
        channel.port = (channel.server.address() as AddressInfo).port;
        channel.listening = true;
        resolve();
      });
    });
  }

  async function stopListening(channel: Channel): Promise<void> {
    if (!channel.listening) return;
    channel.listening = false;
    const closed = new Promise<void>((resolve) => channel.server.close(() => resolve()));
    for (const socket of channel.sockets) socket.destroy();
    await closed;
  }

  async function openChannel(): Promise<Channel> {
    const sockets = new Set<Socket>();
    const channel: Channel = { port: 0, server: http.createServer(), sockets, settings: { mode: "pass" }, listening: false };
    channel.server.on("request", (request, response) => handle(channel, request, response));
    channel.server.on("connection", (socket: Socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await listen(channel);
    channels.set(channel.port, channel);
    return channel;
  }

  async function configure(channel: Channel, settings: FaultSettings): Promise<void> {
    if (!FAULT_MODES.includes(settings.mode)) throw new Error(`unknown mode ${String(settings.mode)}`);
    channel.settings = settings;
    if (settings.mode === "down" && !settings.methods && !settings.pathIncludes) await stopListening(channel);
    else if (!channel.listening) await listen(channel);
  }

  const control = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      void (async () => {
        try {
          if (request.method === "POST" && request.url === "/channels") {
            const channel = await openChannel();
            return reply(response, 200, { endpoint: `http://127.0.0.1:${channel.port}` });
          }
          const match = /^\/channels\/(\d+)$/.exec(request.url ?? "");
          const channel = match ? channels.get(Number(match[1])) : undefined;
          if (request.method === "PUT" && channel) {
            await configure(channel, JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as FaultSettings);
            return reply(response, 200, { port: channel.port, ...channel.settings });
          }
          return reply(response, 404, { error: "no such channel or operation" });
        } catch (error) {
          return reply(response, 400, { error: error instanceof Error ? error.message : String(error) });
        }
      })();
    });
  });
  await new Promise<void>((resolve) => control.listen(0, "127.0.0.1", () => resolve()));
  const controlPort = (control.address() as AddressInfo).port;

  return {
    controlUrl: `http://127.0.0.1:${controlPort}`,
    async close() {
      await Promise.all([...channels.values()].map(stopListening));
      await new Promise<void>((resolve) => control.close(() => resolve()));
    },
  };
}

function reply(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}
