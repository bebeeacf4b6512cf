/**
 * The publish command's text output: the lint report and the summary. Pure
 * formatting of a {@link PublishReport}, so the wording is tested without a
 * bucket.
 */

import { formatPartnersReport } from "./partners-file";
import type { IndexUpdate, PublishReport } from "./publish";

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
  section(
    "Skipped by the index",
    lint.skipped.map(({ file, reason }) => `${file}: ${reason}`),
  );
  section("No author signature", lint.noAuthor);
  section("No source URL (items link to their own page)", lint.noSource);
  section(
    "Other warnings",
    lint.other.map(({ file, warning }) => `${file}: ${warning}`),
  );
  if (lines.length === 0) lines.push("Lint: no problems found.");
  lines.push("");

  const deleted = report.deleted.length > 0 ? `, ${report.dryRun ? "would delete" : "deleted"} ${report.deleted.length}` : "";
  if (report.dryRun) {
    section("Would upload", report.uploaded);
    section("Would delete", report.deleted);
    lines.push(
      `Dry run: would upload ${report.uploaded.length}${deleted}, unchanged ${report.unchanged}, skipped ${lint.skipped.length} ` +
        `of ${report.files} files; nothing was written and the index was not changed.`,
    );
  } else {
    section("Deleted", report.deleted);
    lines.push(`Uploaded ${report.uploaded.length}${deleted}, unchanged ${report.unchanged}, skipped ${lint.skipped.length} of ${report.files} files.`);
    if (report.index) lines.push(...describeIndexUpdate(report.index));
  }
  if (report.partners) lines.push(...formatPartnersReport(report.partners));
  lines.push(`Store: ${report.store.reads} reads, ${report.store.writes} writes; duration ${(report.durationMs / 1000).toFixed(2)} s.`);
  return lines;
}

/** What was done to the index, in one to three lines. */
export function describeIndexUpdate(index: IndexUpdate): string[] {
  switch (index.kind) {
    case "none":
      return ["Index: nothing to update."];
    case "rebuild": {
      const { report } = index;
      const why = index.reason === "first index" ? "first index, built in full" : "rebuilt in full (--rebuild)";
      return [
        `Index (${why}): ${report.listed} listed, ${report.parsed} parsed, ${report.unchanged} unchanged, ${report.deleted} deleted, ` +
          `${report.skipped.length} skipped (${report.reads} reads, ${report.writes} writes).`,
      ];
    }
    case "changes": {
      const lines: string[] = [];
      if (index.byWorker.length > 0)
        lines.push(`Index: the Worker applied ${index.byWorker.length} of ${index.keys.length} changed keys and purged its caches.`);
      if (index.fallback) {
        lines.push(
          `The Worker could not take every change (${index.fallback}): ${index.locally.length} keys were applied from here; ` +
            "its caches expire within INDEX_TTL and CACHE_MAX_AGE.",
        );
      } else if (index.locally.length > 0) {
        lines.push(
          `Index: ${index.locally.length} changed keys applied from here. The Worker's caches expire within INDEX_TTL and CACHE_MAX_AGE; ` +
            "set SITE_URL and ADMIN_TOKEN to have it take the changes and purge them at once.",
        );
      }
      lines.push(`Index store requests: ${index.reads} reads, ${index.writes} writes.`);
      return lines;
    }
  }
}
