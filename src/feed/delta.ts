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
import { renderFeed, type FeedDescriptor, type FeedFormat, type FeedItem } from "./render";

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

/** The delta source of the document `renderFeed(format, feed, items)`. */
export function feedDeltaSource(format: FeedFormat, feed: FeedDescriptor, items: readonly FeedItem[]): DeltaSource {
  const versions = items.map(itemVersion);
  return {
    entries: versions,
    since: (known) => renderFeed(format, feed, items.filter((_item, index) => !known.has(versions[index] as string))),
  };
}
