/**
 * The single escaping helper used by every view in `src/pages`.
 *
 * All views build markup as strings; anything that is not already trusted
 * HTML (every Article field except `contentHtml`, every topic name, every URL)
 * goes through {@link escapeHtml} exactly once, at the point where it is
 * interpolated. Keeping one function makes that rule easy to audit.
 */

/**
 * Escapes text for HTML or XML element content and quoted attribute values
 * (`& < > " '`). It is the article stage's function, so article content and
 * the pages around it are escaped by exactly the same rules. Not enough for
 * URL schemes (`javascript:`): use {@link safeUrl} for links built from data.
 */
export { escapeHtml } from "../article/html";

/**
 * Returns `url` when it is an absolute http(s) URL or a root-relative path,
 * otherwise `"#"`. Escaping alone does not stop `javascript:` links, so every
 * href built from data (source URLs, configured site URLs) is filtered first.
 * The result still has to be passed through {@link escapeHtml}.
 *
 * @param url A URL from data.
 */
export function safeUrl(url: string): string {
  const trimmed = url.trim();
  if (/^https?:\/\//i.test(trimmed)) return trimmed;
  // Root-relative paths, but not protocol-relative `//host` links.
  if (trimmed.startsWith("/") && !trimmed.startsWith("//")) return trimmed;
  return "#";
}
