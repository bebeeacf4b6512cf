/**
 * BENCHMARKS.md is written by several benchmark scripts: each owns one
 * section between `<!-- bench:<name> -->` and `<!-- /bench:<name> -->`
 * markers, and replaces only its own. The main report (`npm run bench`),
 * which rewrites the file, keeps the other scripts' sections.
 */

const SECTION = /<!-- bench:([a-z0-9-]+) -->[\s\S]*?<!-- \/bench:\1 -->\n?/g;

/** `content` wrapped in the markers of section `name`. */
export function section(name: string, content: string): string {
  return `<!-- bench:${name} -->\n${content.trim()}\n<!-- /bench:${name} -->\n`;
}

/** `document` with section `name` replaced by `content`, or with it appended when it has none. */
export function replaceSection(document: string, name: string, content: string): string {
  const wrapped = section(name, content);
  let found = false;
  const replaced = document.replace(SECTION, (whole, found_name: string) => {
    if (found_name !== name) return whole;
    found = true;
    return wrapped;
  });
  if (found) return replaced;
  const base = document.trimEnd();
  return base === "" ? wrapped : `${base}\n\n${wrapped}`;
}

/** `next` followed by every section of `previous` that `next` does not have. */
export function keepSections(previous: string, next: string): string {
  let result = next;
  const present = new Set([...next.matchAll(SECTION)].map((match) => match[1]));
  for (const match of previous.matchAll(SECTION)) {
    const name = match[1];
    if (name === undefined || present.has(name)) continue;
    const body = match[0].replace(/^<!-- bench:[a-z0-9-]+ -->\n/, "").replace(/<!-- \/bench:[a-z0-9-]+ -->\n?$/, "");
    result = replaceSection(result, name, body);
  }
  return result;
}
