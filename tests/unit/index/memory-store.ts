/**
 * The in-memory store the index tests run against (shared with the index
 * benchmark), and raw article text for it.
 */
export { MemoryStore, type Operation } from "../../../scripts/lib/memory-store";

/** What a test article says; everything optional. */
export interface ArticleSpec {
  title?: string;
  date?: string;
  tags?: string[];
  author?: string;
  lang?: string;
  source?: string;
  draft?: boolean;
  id?: string;
  body?: string;
}

/** Raw article text in the real format (front matter + body). */
export function articleText(spec: ArticleSpec): string {
  const lines = ["---"];
  if (spec.id !== undefined) lines.push(`id: ${spec.id}`);
  if (spec.title !== undefined) lines.push(`title: ${spec.title}`);
  if (spec.date !== undefined) lines.push(`date: ${spec.date}`);
  if (spec.tags !== undefined) lines.push(`tags: [${spec.tags.join(", ")}]`);
  if (spec.author !== undefined) lines.push(`author: ${spec.author}`);
  if (spec.lang !== undefined) lines.push(`lang: ${spec.lang}`);
  if (spec.source !== undefined) lines.push(`source: ${spec.source}`);
  if (spec.draft !== undefined) lines.push(`draft: ${spec.draft}`);
  lines.push("---");
  lines.push(spec.body ?? `Der Text von ${spec.title ?? "einem Artikel"} ist kurz und klar.`);
  return `${lines.join("\n")}\n`;
}
