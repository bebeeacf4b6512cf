/**
 * What the worker tests' buckets hold. Pure data: imported by the Node global
 * setup that seeds the buckets and by the tests inside workerd.
 */
declare module "vitest" {
  export interface ProvidedContext {
    /** Endpoint of the local S3 server started by the global setup. */
    s3Endpoint: string;
  }
}

export { LOCAL_S3_CREDENTIALS } from "../../scripts/lib/local-s3-credentials";

export const TEST_BUCKETS = {
  /** The sample articles of `articles/`, below the prefix `news/`. */
  samples: "samples",
  /** A good article next to objects that are not usable articles. */
  broken: "broken",
  /** Empty at start: tests write and delete articles in it and re-index. */
  mutable: "mutable",
} as const;

export type TestBucket = keyof typeof TEST_BUCKETS;

export const SAMPLE_PREFIX = "news/";

/** The one good article of the `broken` bucket. */
export const GOOD_ARTICLE =
  "Ein guter Artikel über den Hafen von Hamburg, der wieder wächst.\nMARIA MEIER\nQuelle: https://example.org/hafen?id=1&lang=de\nKommentar (2)\n";

/** Objects that must be skipped without breaking a feed. */
export const BAD_OBJECTS: Record<string, Uint8Array> = {
  "empty.txt": new Uint8Array(),
  "binary.txt": Uint8Array.from({ length: 2048 }, (_, i) => (i * 131 + 7) % 256),
  "invalid-utf8.txt": Uint8Array.from([0xff, 0xfe, 0xfd, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0x00, 0x01, 0x02]),
  "only-trailer.txt": new TextEncoder().encode("[Anzeige_1]\nQuelle: https://example.com/a\nKommentar (0)\n"),
};
