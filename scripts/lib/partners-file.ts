/**
 * The `_partners.yaml` at the top of an article folder, as `npm start` and
 * `npm run publish` handle it: checked with the Worker's rules, uploaded only
 * when valid (with the last-valid copy beside it), and reported with line
 * numbers when not, so that a bad edit never replaces the version in force.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type DefinitionResult, formatProblems, PARTNERS_FILE, parsePartnerDefinition } from "../../src/partners/definition";
import { savePartnerDefinition } from "../../src/partners/storage";
import type { ArticleStore } from "../../src/store/store";

/** A folder's partner file, read and checked. */
export interface LocalPartnersFile {
  path: string;
  text: string;
  result: DefinitionResult;
}

/** What became of a folder's partner file. */
export interface PartnersFileReport {
  /** `uploaded`, `unchanged` (the bucket has these bytes), `would-upload` (dry run), `invalid` (not uploaded). */
  status: "uploaded" | "unchanged" | "would-upload" | "invalid";
  /** Partners in the file (0 when invalid). */
  partners: number;
  /** `file:line:column: message` lines when invalid. */
  problems: string[];
}

/** The folder's `_partners.yaml`, or null when it has none. */
export async function readLocalPartners(folder: string): Promise<LocalPartnersFile | null> {
  const path = join(folder, PARTNERS_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  return { path, text, result: parsePartnerDefinition(text) };
}

/**
 * Uploads a checked file to `<prefix>_partners.yaml` with its last-valid copy
 * unless `unchanged` says the bucket holds it already or `dryRun` is set; an
 * invalid file is reported and left out.
 */
export async function publishPartners(
  store: ArticleStore,
  prefix: string,
  local: LocalPartnersFile,
  options: { unchanged?: boolean; dryRun?: boolean } = {},
): Promise<PartnersFileReport> {
  if (!local.result.ok) return { status: "invalid", partners: 0, problems: formatProblems(local.result.problems, local.path) };
  const partners = local.result.definition.partners.length;
  if (options.unchanged) return { status: "unchanged", partners, problems: [] };
  if (options.dryRun) return { status: "would-upload", partners, problems: [] };
  await savePartnerDefinition(store, prefix, local.text, local.result.definition);
  return { status: "uploaded", partners, problems: [] };
}

/** One line (plus problem lines) for the console. */
export function formatPartnersReport(report: PartnersFileReport): string[] {
  const count = `${report.partners} partner${report.partners === 1 ? "" : "s"}`;
  switch (report.status) {
    case "uploaded":
      return [`Partners: ${PARTNERS_FILE} uploaded (${count}).`];
    case "unchanged":
      return [`Partners: ${PARTNERS_FILE} unchanged (${count}).`];
    case "would-upload":
      return [`Partners: would upload ${PARTNERS_FILE} (${count}).`];
    case "invalid":
      return [
        `Partners: ${PARTNERS_FILE} is invalid and was not uploaded; the version in the bucket stays in force:`,
        ...report.problems.map((line) => `  ${line}`),
      ];
  }
}
