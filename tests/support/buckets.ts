/** Fills the worker tests' buckets (Node side: reads `articles/` from disk). */
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { uploadFolder } from "../../scripts/lib/upload";
import { createS3Store } from "../../src/store/s3";
import { BAD_OBJECTS, GOOD_ARTICLE, LOCAL_S3_CREDENTIALS, ODD_TOPIC_ARTICLES, SAMPLE_PREFIX, STORED_DATE, TEST_BUCKETS } from "./fixtures";

const articlesDir = fileURLToPath(new URL("../../articles", import.meta.url));
const legacyDir = fileURLToPath(new URL("../fixtures/legacy-index-v1", import.meta.url));

/** Fills the test buckets of the s3rver at `endpoint`. */
export async function seedTestBuckets(endpoint: string): Promise<void> {
  const storeFor = (bucket: string) => createS3Store({ endpoint, region: "us-east-1", bucket, forcePathStyle: true, ...LOCAL_S3_CREDENTIALS });

  // A fixed stored date, not the files' modification time (the checkout's): the tests' clock stands still.
  const stored = { date: STORED_DATE };
  await uploadFolder(storeFor(TEST_BUCKETS.samples), articlesDir, SAMPLE_PREFIX, async () => stored);

  // The bucket as the version 1 index left it, byte for byte (its README describes the fixture).
  const legacy = storeFor(TEST_BUCKETS.legacy);
  const files = (await readdir(legacyDir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  for (const file of files) {
    const key = relative(legacyDir, join(file.parentPath, file.name)).split(sep).join("/");
    if (key !== "README.md") await legacy.put(key, await readFile(join(legacyDir, key)));
  }

  const broken = storeFor(TEST_BUCKETS.broken);
  await broken.put("good.txt", GOOD_ARTICLE, { metadata: stored });
  for (const [key, body] of Object.entries(BAD_OBJECTS)) await broken.put(key, body);

  const odd = storeFor(TEST_BUCKETS.oddTopics);
  for (const [key, body] of Object.entries(ODD_TOPIC_ARTICLES)) await odd.put(key, body);
}
