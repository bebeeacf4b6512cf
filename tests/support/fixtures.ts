/**
 * What the worker tests' buckets hold. Pure data: imported by the Node global
 * setup that seeds the buckets and by the tests inside workerd.
 */
declare module "vitest" {
  export interface ProvidedContext {
    /** Endpoint of the local S3 server started by the global setup. */
    s3Endpoint: string;
    /** The same server behind a proxy that counts requests per bucket (`GET /__requests/<bucket>`). */
    s3CountingEndpoint: string;
    /** Base URL of the WebSub hub stub (`hub-stub.ts`). */
    hubEndpoint: string;
    /** Control API of the fault-injecting proxy in front of it (see fault-proxy.ts). */
    faultControl: string;
    /** Seed of the randomised worker tests (printed by the global setup; TEST_SEED replays one). */
    testSeed: number;
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
  /** Articles whose topics have no natural URL: odd source hosts, tags without Latin letters. */
  oddTopics: "odd-topics",
  /** Empty at start: the partner feed tests write their articles and `_partners.yaml` in it. */
  partners: "partners",
  /** Empty at start: the queue tests write articles and send change events for them. */
  events: "events",
  /** Empty at start: the `POST /admin/changes` tests write articles and post change events for them. */
  webhook: "webhook",
  /** Empty and never indexed at start: only the Worker's queue consumer indexes it. */
  queue: "queue",
  /** Empty at start: the WebSub, delta and withdrawal tests write and delete articles in it. */
  websub: "websub",
  /** Empty at start: fault and hostile-input tests, each in a folder of its own. */
  scratch: "scratch",
  /** A bucket indexed by the version 1 layout (`tests/fixtures/legacy-index-v1`), below `news/`. */
  legacy: "legacy",
  /** Empty at start: the archive paging tests fill it with a few hundred articles. */
  paging: "paging",
  /** Empty at start: the change path's round trip through the Worker. */
  changes: "changes",
} as const;

/** One request the WebSub hub stub (`hub-stub.ts`) received, as its `/_recorded/<label>` lists them. */
export interface RecordedPing {
  /** The first path segment: `ok`, `fail`, `flaky`, `refuse`, `hang`. */
  behaviour: string;
  contentType: string | null;
  body: string;
}

export type TestBucket = keyof typeof TEST_BUCKETS;

export const SAMPLE_PREFIX = "news/";

/** The instant every test worker takes for "now": after every sample article but the embargoed one. */
export const TEST_NOW = new Date("2026-12-01T12:00:00.000Z");

/**
 * The date the test buckets store undated articles with (object metadata
 * `date`, article format rule 10), before {@link TEST_NOW}. Without it such an
 * article would take the checkout's file time or the upload time: after
 * TEST_NOW on any later day, and so hidden as embargoed.
 */
export const STORED_DATE = "2026-11-30T06:00:00.000Z";

/** The one good article of the `broken` bucket. */
export const GOOD_ARTICLE =
  "Ein guter Artikel über den Hafen von Hamburg, der wieder wächst.\nMARIA MEIER\nQuelle: https://example.org/hafen?id=1&lang=de\nKommentar (2)\n";

/** A host name longer than the 100 characters a topic slug may have (each DNS label within 63). */
export const LONG_HOST = `${"a".repeat(60)}.${"b".repeat(60)}.example.com`;

/** Articles whose source hosts or tags cannot be their own URL segment. */
export const ODD_TOPIC_ARTICLES: Record<string, string> = {
  "ipv6.md": "---\ndate: 2026-01-05T08:00:00Z\n---\nEine Meldung von einem Rechner ohne Namen.\nMARIA MEIER\nQuelle: http://[::1]/meldung?id=1\n",
  "long-host.md": `---\ndate: 2026-01-06T08:00:00Z\n---\nEine Meldung von einem sehr langen Hostnamen.\nMARIA MEIER\nQuelle: https://${LONG_HOST}/meldung\n`,
  "cjk-tag.md":
    "---\ndate: 2026-01-07T08:00:00Z\ntags: [北朝鮮]\n---\nEine Meldung mit einem Schlagwort ohne lateinische Buchstaben.\nMARIA MEIER\nQuelle: https://www.zeitung.example.es/meldung\n",
};

/** Objects that must be skipped without breaking a feed. */
export const BAD_OBJECTS: Record<string, Uint8Array> = {
  "empty.txt": new Uint8Array(),
  "binary.txt": Uint8Array.from({ length: 2048 }, (_, i) => (i * 131 + 7) % 256),
  "invalid-utf8.txt": Uint8Array.from([0xff, 0xfe, 0xfd, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0x00, 0x01, 0x02]),
  "only-trailer.txt": new TextEncoder().encode("[Anzeige_1]\nQuelle: https://example.com/a\nKommentar (0)\n"),
};

/** The bucket the Worker under test (`main`, the queue consumer) serves. */
export const QUEUE_BUCKET = TEST_BUCKETS.queue;

/** SITE_URL of the Worker under test. */
export const QUEUE_SITE_URL = "https://queue.example.com";

/** The producer binding of the `feed-changes` queue, in tests only (in production R2 sends the events). */
export const QUEUE_PRODUCER_BINDING = "CHANGES_QUEUE";

/**
 * A local R2 bucket (Miniflare's), bound under a test-only name: the Worker
 * takes a bucket named ARTICLES_BUCKET as its store, so the tests that mean
 * R2 pass this one under that name (`r2TestEnv`) and every other test keeps
 * the S3 server.
 */
export const R2_TEST_BINDING = "TEST_R2_BUCKET";
