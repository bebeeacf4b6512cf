/**
 * A throwaway S3-protocol server on loopback (s3rver) for the local service,
 * the tests and the benchmarks: no Docker, no network, a temporary directory
 * that is removed on close.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";

export { LOCAL_S3_CREDENTIALS } from "./local-s3-credentials";

/** A running local S3 server. */
export interface LocalS3 {
  /** e.g. `http://127.0.0.1:43125` */
  endpoint: string;
  port: number;
  /** Stops the server and deletes its directory. */
  close(): Promise<void>;
}

/** Starts s3rver on 127.0.0.1 (port 0 = any free port) with the given buckets created. */
export async function startLocalS3(options: { buckets: string[]; port?: number }): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), "feed-worker-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: options.port ?? 0,
    silent: true,
    directory,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  let closed = false;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
