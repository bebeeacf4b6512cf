/**
 * The publish command's lint: what the index will make of each local file,
 * told before anything is uploaded. It applies the same rules as the index
 * (`parseArticle`, `isVisible`, first key wins an id), so the
 * report predicts the rebuild instead of guessing.
 */
import { isVisible, type ParseResult } from "../../src/article/parse";

/** Parser warnings that have their own section in the report (article format rules 5 and 6). */
const NO_AUTHOR = "no author signature";
const NO_SOURCE_PREFIX = "no source line";

/** One local file as the lint sees it. */
export interface LintInput {
  /** Path relative to the published folder. */
  file: string;
  /** The key it is stored under (prefix + file). */
  key: string;
  /** `parseArticle`'s verdict; null when the key is not an article key (`isArticleKey`), so the index never reads it. */
  result: ParseResult | null;
}

/** What the index will do with the folder. */
export interface LintReport {
  /** Files the index leaves out, with the reason. */
  skipped: { file: string; reason: string }[];
  /** Articles without an author signature. */
  noAuthor: string[];
  /** Articles without a source URL (their items link to the article page). */
  noSource: string[];
  /** Every other parser warning, and articles kept out of feeds for now (drafts, embargoes). */
  other: { file: string; warning: string }[];
}

/** Lints `inputs` (in key order, as the index lists them) at time `now`. */
export function lintFiles(inputs: readonly LintInput[], now: Date): LintReport {
  const report: LintReport = { skipped: [], noAuthor: [], noSource: [], other: [] };
  const owners = new Map<string, string>();
  for (const { file, result } of inputs) {
    if (result === null) {
      report.skipped.push({ file, reason: "not an article file name (.txt, .md, .markdown or no extension; no dot-files)" });
      continue;
    }
    if (!result.ok) {
      report.skipped.push({ file, reason: result.reason });
      continue;
    }
    const { article } = result;
    for (const warning of result.warnings) {
      if (warning === NO_AUTHOR || warning.startsWith(NO_SOURCE_PREFIX)) continue;
      report.other.push({ file, warning });
    }
    if (article.authors.length === 0) report.noAuthor.push(file);
    if (article.sourceUrl === null) report.noSource.push(file);
    if (article.draft) {
      // Drafts never reach the index's members, so they cannot collide with another id.
      report.other.push({ file, warning: "draft: kept out of every feed" });
      continue;
    }
    const owner = owners.get(article.id);
    if (owner !== undefined) {
      report.skipped.push({ file, reason: `duplicate id "${article.id}" (already used by ${owner})` });
      continue;
    }
    owners.set(article.id, file);
    if (!isVisible(article, now)) report.other.push({ file, warning: `dated in the future (${article.published}): hidden until then` });
  }
  return report;
}
