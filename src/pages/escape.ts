/**
 * The single escaping helper used by every view in `src/pages`.
 *
 * All views build markup as strings; anything that is not already trusted
 * HTML (every Article field except `contentHtml`, every topic name, every URL)
 * goes through {@link escapeHtml} exactly once, at the point where it is
 * interpolated. Keeping one function makes that rule easy to audit.
 */

/** Replacement for each character that can change the meaning of markup. */
const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  // `&#39;` rather than `&apos;`: `&apos;` is not defined in HTML 4 and some
  // older parsers do not know it; the numeric reference works in HTML and XML.
  "'": "&#39;",
};

const SPECIAL = /[&<>"']/g;

/**
 * Escapes text for use in HTML or XML element content and in attribute values
 * (quoted with either `"` or `'`).
 *
 * Escapes `& < > " '`. The result is safe inside text and quoted attributes;
 * it is NOT enough for unquoted attributes, `<script>`/`<style>` content or
 * URL schemes (`javascript:`): use {@link safeUrl} for links built from data.
 *
 * @param text Plain text (not HTML).
 * @returns The text with every special character replaced by its entity.
 */
export function escapeHtml(text: string): string {
  return text.replace(SPECIAL, (char) => ENTITIES[char] ?? char);
}

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
