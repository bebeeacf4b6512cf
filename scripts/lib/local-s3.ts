/**
 * A throwaway S3-protocol server on loopback (s3rver) for the local service,
 * the tests and the benchmarks: no Docker, no network, a temporary directory
 * that is removed on close. It runs in a child process of its own (see
 * s3-server-process.ts for why).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export { LOCAL_S3_CREDENTIALS } from "./local-s3-credentials";

/** A running local S3 server. */
export interface LocalS3 {
  /** e.g. `http://127.0.0.1:43125` */
  endpoint: string;
  port: number;
  /** Stops the server and deletes its directory. */
  close(): Promise<void>;
}

const SERVER_ENTRY = fileURLToPath(new URL("./s3-server-process.ts", import.meta.url));

/** Starts s3rver on 127.0.0.1 (port 0 = any free port) with the given buckets created. */
export async function startLocalS3(options: { buckets: string[]; port?: number }): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), "feed-worker-s3-"));
  const child = spawn(
    process.execPath,
    ["--openssl-legacy-provider", "--import", "tsx", SERVER_ENTRY, directory, String(options.port ?? 0), ...options.buckets],
    { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, NODE_OPTIONS: "" } },
  );
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      const parsed = JSON.parse(line) as { port?: unknown };
      if (typeof parsed.port === "number") resolve(parsed.port);
      else reject(new Error(`unexpected output of the S3 server: ${line}`));
    });
    child.once("exit", (code) => reject(new Error(`the S3 server exited (${code}): ${errors.trim()}`)));
  });

  let closed = false;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    async close() {
      if (closed) return;
      closed = true;
      child.stdin.end();
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}
