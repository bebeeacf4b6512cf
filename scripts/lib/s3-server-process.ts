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
import S3rver from "s3rver";

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
