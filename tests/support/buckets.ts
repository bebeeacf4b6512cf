/** Fills the worker tests' buckets (Node side: reads `articles/` from disk). */
import { fileURLToPath } from "node:url";
import { uploadFolder } from "../../scripts/lib/upload";
import { createS3Store } from "../../src/store/s3";
import { BAD_OBJECTS, GOOD_ARTICLE, LOCAL_S3_CREDENTIALS, ODD_TOPIC_ARTICLES, SAMPLE_PREFIX, TEST_BUCKETS } from "./fixtures";

const articlesDir = fileURLToPath(new URL("../../articles", import.meta.url));

/** Fills the test buckets of the s3rver at `endpoint`. */
export async function seedTestBuckets(endpoint: string): Promise<void> {
  const storeFor = (bucket: string) => createS3Store({ endpoint, region: "us-east-1", bucket, forcePathStyle: true, ...LOCAL_S3_CREDENTIALS });

  await uploadFolder(storeFor(TEST_BUCKETS.samples), articlesDir, SAMPLE_PREFIX);

  const broken = storeFor(TEST_BUCKETS.broken);
  await broken.put("good.txt", GOOD_ARTICLE);
  for (const [key, body] of Object.entries(BAD_OBJECTS)) await broken.put(key, body);

  const odd = storeFor(TEST_BUCKETS.oddTopics);
  for (const [key, body] of Object.entries(ODD_TOPIC_ARTICLES)) await odd.put(key, body);
}
