/**
 * Which objects of the bucket are articles: the change path ignores every
 * other key (the index folder, READMEs, images...).
 */
import { indexKeys } from "./schema";

/** Extensions of article objects; a key without an extension is an article too. */
const ARTICLE_EXTENSIONS = new Set(["txt", "md", "markdown"]);

/**
 * True when `key` holds an article: below the prefix, outside the index
 * folder, not a folder marker, dot-file or README, extension `.txt`, `.md`,
 * `.markdown` (any case) or none.
 */
export function isArticleKey(key: string, articlePrefix: string): boolean {
  if (!key.startsWith(articlePrefix) || key.startsWith(indexKeys(articlePrefix).folder)) return false;
  if (key.endsWith("/")) return false;
  const name = key.slice(key.lastIndexOf("/") + 1);
  if (name === "" || name.startsWith(".")) return false;
  // A folder's README describes the folder; it is not news (an article folder often has one).
  if (/^readme(\.[a-z]+)?$/i.test(name)) return false;
  const dot = name.lastIndexOf(".");
  return dot === -1 || ARTICLE_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}
