/**
 * Earlier versions of feed documents, remembered for RFC 3229 `feed`
 * deltas: for each entity tag a feed URL had, the version identities of its
 * entries (`feed/delta.ts`).
 *
 * Why a record per version rather than a date in the entity tag: a date
 * cannot tell a client which entries it lacks when an article arrives
 * backdated (older than the newest one it has); the list can. Records live
 * in isolate memory and, for public documents, in the edge cache, so that
 * another isolate of the location knows them too. A version nobody holds a
 * record of (evicted, older than {@link VERSION_RECORD_SECONDS}, another
 * location) is answered with the whole document: always correct, only larger.
 */
import { BoundedCache } from "./bounded-cache";

/** How long a version record is kept: a week covers readers that poll daily and ones offline over a weekend. */
export const VERSION_RECORD_SECONDS = 7 * 86_400;

/** A record is ~17 bytes per entry (100 entries: under 2 KB); 4 MB keeps a couple of thousand versions. */
const MEMORY_BOUNDS = { maxEntries: 4096, maxWeight: 4 * 1024 * 1024, maxEntryWeight: 64 * 1024 };

/** The versions one isolate knows, backed by the edge cache. */
export class FeedVersions {
  private readonly memory = new BoundedCache<readonly string[]>(MEMORY_BOUNDS);

  constructor(
    private readonly edge: Cache | null,
    private readonly now: () => number,
  ) {}

  /**
   * Remembers the entries of the version filed under `key` (from
   * `cacheKey(…, { version })`). `shared`: also in the edge cache (public
   * documents only; a partner's never leave the isolate). Resolves when the
   * edge copy is written: the caller runs it in the background.
   */
  async remember(key: string, entries: readonly string[], shared: boolean): Promise<void> {
    const expires = this.now() + VERSION_RECORD_SECONDS * 1000;
    this.memory.set(key, entries, 64 + entries.length * 17, expires);
    if (!shared || !this.edge) return;
    const record = new Response(JSON.stringify({ entries }), {
      headers: { "Content-Type": "application/json", "Cache-Control": `public, max-age=${VERSION_RECORD_SECONDS}` },
    });
    await this.edge.put(key, record);
  }

  /** The entries of the version under `key`, or null when no record of it is known here. */
  async recall(key: string, shared: boolean): Promise<readonly string[] | null> {
    const known = this.memory.get(key, this.now());
    if (known) return known;
    if (!shared || !this.edge) return null;
    const stored = await this.edge.match(key);
    if (!stored) return null;
    const parsed: unknown = await stored.json().catch(() => null);
    const entries = (parsed as { entries?: unknown } | null)?.entries;
    if (!Array.isArray(entries) || !entries.every((entry) => typeof entry === "string")) return null;
    this.memory.set(key, entries, 64 + entries.length * 17, this.now() + VERSION_RECORD_SECONDS * 1000);
    return entries;
  }
}
