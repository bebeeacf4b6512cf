/**
 * The publish command's text output: the lint report and the summary. Pure
 * formatting of a {@link PublishReport}, so the wording is tested without a
 * bucket.
 */
import type { PublishReport } from "./publish";
import { formatPartnersReport } from "./partners-file";

/** At most this many keys are listed per section; the rest is counted. */
const MAX_LISTED = 20;

/** The lint report and the summary, as lines for stdout. */
export function formatPublishReport(report: PublishReport): string[] {
  const lines: string[] = [];
  const { lint } = report;

  const section = (title: string, entries: string[]): void => {
    if (entries.length === 0) return;
    lines.push(`${title} (${entries.length}):`);
    for (const entry of entries.slice(0, MAX_LISTED)) lines.push(`  ${entry}`);
    if (entries.length > MAX_LISTED) lines.push(`  ... and ${entries.length - MAX_LISTED} more`);
  };
  section("Skipped by the index", lint.skipped.map(({ file, reason }) => `${file}: ${reason}`));
  section("No author signature", lint.noAuthor);
  section("No source URL (items link to their own page)", lint.noSource);
  section("Other warnings", lint.other.map(({ file, warning }) => `${file}: ${warning}`));
  if (lines.length === 0) lines.push("Lint: no problems found.");
  lines.push("");

  if (report.dryRun) {
    section("Would upload", report.uploaded);
    lines.push(
      `Dry run: would upload ${report.uploaded.length}, unchanged ${report.unchanged}, skipped ${lint.skipped.length} ` +
        `of ${report.files} files; nothing was written and the index was not rebuilt.`,
    );
  } else {
    lines.push(`Uploaded ${report.uploaded.length}, unchanged ${report.unchanged}, skipped ${lint.skipped.length} of ${report.files} files.`);
    if (report.index) {
      const index = report.index;
      lines.push(
        `Index: ${index.listed} listed, ${index.parsed} parsed, ${index.unchanged} unchanged, ${index.deleted} deleted, ` +
          `${index.skipped.length} skipped (${index.reads} reads, ${index.writes} writes).`,
      );
    }
  }
  if (report.partners) lines.push(...formatPartnersReport(report.partners));
  lines.push(
    `Store: ${report.store.reads} reads, ${report.store.writes} writes; duration ${(report.durationMs / 1000).toFixed(2)} s.`,
  );
  return lines;
}
