/**
 * Child-process entry of the local S3 server (see local-s3.ts). Run as
 * `node --openssl-legacy-provider --import tsx s3-server-process.ts <dir> <port> <bucket>...`:
 * s3rver encrypts listing continuation tokens with DES, which OpenSSL 3 only
 * offers through its legacy provider, so without it every listing longer than
 * one page (1,000 keys) fails. The flag is confined to this process.
 *
 * Prints `{"port":N}` on stdout once listening; stops when its stdin closes,
 * so it never outlives the process that started it.
 */
import { createHash } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Readable } from "node:stream";
import S3rver from "s3rver";

/** The parts of s3rver's file-system store that {@link atomicPuts} replaces or uses. */
interface FilesystemStore {
  putObject(object: { bucket: string; key: string; content: Buffer | Readable; metadata: Record<string, string> }): Promise<{ size: number; md5: string }>;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
  getResourcePath(bucket: string, key: string, resource: string): string;
}

let temporaryFiles = 0;

/**
 * S3 guarantees read-after-write: once a PUT is answered, every GET returns
 * the whole new object. s3rver answers before the bytes reach the object's
 * file (it does not wait for the file stream) and overwrites the file in
 * place, so a GET just after a PUT can read a part of the object: the index
 * code then rightly reports truncated JSON. Each object is written to a
 * temporary file (a name s3rver's listing ignores) and renamed into place
 * before the PUT is answered, so a reader sees the old object or the new one.
 */
function atomicPuts(store: FilesystemStore): void {
  store.putObject = async (object) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, "object");
    await mkdir(dirname(objectPath), { recursive: true });
    const content = Buffer.isBuffer(object.content) ? object.content : await collect(object.content);
    const md5 = createHash("md5").update(content).digest("hex");
    const temporary = `${objectPath}.${process.pid}-${++temporaryFiles}.tmp`;
    await writeFile(temporary, content);
    await rename(temporary, objectPath);
    await store.putMetadata(object.bucket, object.key, object.metadata, md5);
    return { size: content.length, md5 };
  };
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

async function main(): Promise<void> {
  const [directory, port, ...buckets] = process.argv.slice(2);
  if (!directory || port === undefined) throw new Error("usage: s3-server-process <directory> <port> <bucket>...");
  const server = new S3rver({
    address: "127.0.0.1",
    port: Number(port),
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  atomicPuts((server as unknown as { store: FilesystemStore }).store);
  const address = await server.run();
  // Node closes idle keep-alive connections after 5 s. A client that reuses a
  // pooled connection just as it closes gets "Network connection lost"
  // (workerd does not retry it); under load that happens often. S3 itself
  // keeps idle connections far longer than clients pool them: do the same.
  server.httpServer.keepAliveTimeout = 120_000;
  server.httpServer.headersTimeout = 125_000;
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
  const stop = (): void => {
    void server.close().finally(() => process.exit(0));
  };
  process.stdin.on("end", stop);
  process.stdin.on("close", stop);
  process.stdin.resume();
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
