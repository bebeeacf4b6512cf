/**
 * What RFC 3229 `feed` instance manipulation needs of a feed document: the
 * identity of each version of each entry, and the same document with only
 * the entries a client does not have yet.
 *
 * An entry's version is its GUID plus its `updated` date: an item added
 * since a client's version has a GUID that version lacked, an edited one a
 * later `updated`. Both are entries the client's version does not list, so
 * "added or updated since that version" is exactly "not in that version's
 * list", whatever the dates say (a backdated article is still new).
 */
import { hashHex } from "../index/hash";
import { type FeedDescriptor, type FeedFormat, type FeedItem, type FeedTombstone, renderFeed } from "./render";

/** A feed document that can be written as a delta against an earlier version. */
export interface DeltaSource {
  /** Version identities of the document's entries, in document order (compact hashes). */
  entries: readonly string[];
  /** The same document with only the entries whose identity is not in `known`. */
  since(known: ReadonlySet<string>): string;
}

/** The version identity of one item: 64-bit hash of its GUID and update time. */
export function itemVersion(item: FeedItem): string {
  return hashHex(`item\n${item.guid}\n${item.article.updated}`);
}

/** The version identity of a tombstone (RFC 6721): a delta since an older version carries it. */
export function tombstoneVersion(tombstone: FeedTombstone): string {
  return hashHex(`deleted\n${tombstone.ref}\n${tombstone.when}`);
}

/** The delta source of the document `renderFeed(format, feed, items)`: its items and (Atom) tombstones. */
export function feedDeltaSource(format: FeedFormat, feed: FeedDescriptor, items: readonly FeedItem[]): DeltaSource {
  const itemVersions = items.map(itemVersion);
  const tombstones = format === "atom" ? (feed.tombstones ?? []) : [];
  const tombstoneVersions = tombstones.map(tombstoneVersion);
  return {
    entries: [...itemVersions, ...tombstoneVersions],
    since: (known) => {
      const newTombstones = tombstones.filter((_tombstone, index) => !known.has(tombstoneVersions[index] as string));
      const descriptor: FeedDescriptor = { ...feed, tombstones: newTombstones };
      return renderFeed(
        format,
        descriptor,
        items.filter((_item, index) => !known.has(itemVersions[index] as string)),
      );
    },
  };
}
