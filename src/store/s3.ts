/**
 * The S3-protocol implementation of {@link ArticleStore}: AWS S3, Cloudflare R2's
 * S3 endpoint, MinIO, s3rver... This is the only module that imports the AWS SDK.
 */
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import {
  type ArticleStore,
  type ListOptions,
  type ListPage,
  type ListPageOptions,
  listAll,
  type PutOptions,
  STORE_PAGE_SIZE,
  type StoredObject,
  type StoredObjectInfo,
  StoreError,
} from "./store";

/** Where the bucket is and how to sign requests to it. */
export interface S3StoreConfig {
  /** Endpoint URL; empty for AWS S3 itself (the SDK derives it from the region). */
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Path-style URLs (`endpoint/bucket/key`): needed by s3rver and MinIO, accepted by R2. */
  forcePathStyle: boolean;
  /** Give up on one attempt after this long, so a hung store cannot hang a caller (default 10 s). */
  timeoutMs?: number;
  /**
   * Attempts per call, the first included (default 2). The SDK retries
   * throttling, 5xx and connection errors with jittered back-off; a feed
   * request uses 1 (a stale copy now beats a fresh one later), the index
   * rebuild more.
   */
  maxAttempts?: number;
  /**
   * Give up on a whole call (every attempt, the body included) after this
   * long; default `timeoutMs` per attempt. A feed request gives its calls
   * one short deadline, and a quick retry of a dropped connection fits in it.
   */
  callTimeoutMs?: number;
}

/** Creates a store backed by an S3-compatible bucket. */
export function createS3Store(config: S3StoreConfig): ArticleStore {
  const client = new S3Client({
    region: config.region || "auto",
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    maxAttempts: config.maxAttempts ?? 2,
    // Checksums (CRC32) only where an operation requires them: S3-compatible servers support them unevenly, TLS already
    // protects the bytes in transit, and computing and checking them costs CPU on every call.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    // Per attempt; the abort signal below bounds the whole call, body included.
    requestHandler: { requestTimeout: config.timeoutMs ?? 10_000 },
  });
  const bucket = config.bucket;
  const timeoutMs = config.timeoutMs ?? 10_000;
  // The SDK takes one signal per call, retries included. Aborting (rather than
  // abandoning) also closes the connection of a hung request.
  const callTimeoutMs = config.callTimeoutMs ?? timeoutMs * Math.max(1, config.maxAttempts ?? 2);
  const signal = (): AbortSignal => AbortSignal.timeout(callTimeoutMs);

  async function listPage(prefix: string, options: ListPageOptions = {}): Promise<ListPage> {
    try {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix || undefined,
          StartAfter: options.startAfter || undefined,
          MaxKeys: Math.min(options.limit ?? STORE_PAGE_SIZE, STORE_PAGE_SIZE),
        }),
        { abortSignal: signal() },
      );
      const objects: StoredObjectInfo[] = [];
      for (const item of page.Contents ?? []) {
        if (item.Key === undefined) continue;
        objects.push({ key: item.Key, etag: item.ETag ?? "", lastModified: item.LastModified ?? new Date(0), size: item.Size ?? 0 });
      }
      return { objects, truncated: page.IsTruncated === true };
    } catch (error) {
      throw new StoreError("list", prefix, { cause: error });
    }
  }

  return {
    listPage,

    list(prefix: string, options: ListOptions = {}): Promise<StoredObjectInfo[]> {
      return listAll(listPage, prefix, options);
    },

    async get(key: string): Promise<StoredObject | null> {
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal() });
        const body = response.Body ? await wholeBody(response.Body) : new Uint8Array();
        return {
          key,
          etag: response.ETag ?? "",
          lastModified: response.LastModified ?? new Date(0),
          size: body.byteLength,
          body,
          metadata: lowerCaseKeys(response.Metadata ?? {}),
        };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw new StoreError("get", key, { cause: error });
      }
    },

    async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<void> {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: typeof body === "string" ? new TextEncoder().encode(body) : body,
            ContentType: options.contentType,
            Metadata: options.metadata,
          }),
          { abortSignal: signal() },
        );
      } catch (error) {
        throw new StoreError("put", key, { cause: error });
      }
    },

    async delete(key: string): Promise<void> {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal() });
      } catch (error) {
        throw new StoreError("delete", key, { cause: error });
      }
    },

    async deleteMany(keys: readonly string[]): Promise<void> {
      if (keys.length === 0) return;
      if (keys.length > STORE_PAGE_SIZE) throw new RangeError(`at most ${STORE_PAGE_SIZE} keys per batch delete`);
      let failed: string | undefined;
      try {
        const result = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }), {
          abortSignal: signal(),
        });
        // A batch delete answers 200 and names the keys it could not delete in the body.
        failed = result.Errors?.[0]?.Key;
      } catch (error) {
        throw new StoreError("delete", keys[0] ?? "", { cause: error });
      }
      if (failed !== undefined) throw new StoreError("delete", failed);
    },
  };
}

function isNotFound(error: unknown): boolean {
  if (error instanceof NoSuchKey) return true;
  return error instanceof S3ServiceException && (error.name === "NoSuchKey" || error.$metadata.httpStatusCode === 404);
}

function lowerCaseKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([name, value]) => [name.toLowerCase(), value]));
}

/**
 * An object's body in one piece. On a web stream (the Workers runtime) a
 * `Response` reads it natively in one call; the SDK's own collector reads it
 * chunk by chunk through JavaScript, about a millisecond of CPU more for an
 * index window of 350 KB. Elsewhere (Node's streams) the SDK's way.
 */
async function wholeBody(body: { transformToByteArray(): Promise<Uint8Array> }): Promise<Uint8Array> {
  if (typeof ReadableStream !== "undefined" && body instanceof ReadableStream) return new Uint8Array(await new Response(body).arrayBuffer());
  return body.transformToByteArray();
}
