/**
 * A loopback HTTP proxy in front of the local S3 server that counts the
 * requests reaching it, per bucket: how the tests and the benchmark measure
 * an index run's subrequests at the wire (a listing page, a get, a put or a
 * delete is one request each, retries included), not as the code reports
 * them. Requests pass unchanged (the Host header too, so SigV4 signatures
 * still match). `GET /__requests/<bucket>` answers the bucket's count so far
 * as JSON (`{"requests": 12}`), for callers that cannot reach this process's
 * memory (the Worker tests in workerd).
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A running counting proxy. */
export interface CountingProxy {
  /** e.g. `http://127.0.0.1:43126`: use it as the S3 endpoint. */
  endpoint: string;
  /** Requests that reached `bucket` so far. */
  count(bucket: string): number;
  close(): Promise<void>;
}

const COUNT_PATH = /^\/__requests\/([^/?]+)$/;

/** Starts a proxy to `target` (`http://127.0.0.1:<port>`) on a free loopback port. */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const counts = new Map<string, number>();
  const forward = (incoming: IncomingMessage, outgoing: ServerResponse): void => {
    const asked = COUNT_PATH.exec(incoming.url ?? "");
    if (incoming.method === "GET" && asked?.[1] !== undefined) {
      outgoing.writeHead(200, { "Content-Type": "application/json" });
      outgoing.end(JSON.stringify({ requests: counts.get(decodeURIComponent(asked[1])) ?? 0 }));
      return;
    }
    // Path-style URLs: the first segment is the bucket.
    const bucket = decodeURIComponent((incoming.url ?? "/").split(/[/?]/)[1] ?? "");
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
    const proxied = request(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    proxied.on("error", () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(proxied);
  };
  const server = createServer(forward);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    count: (bucket) => counts.get(bucket) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
