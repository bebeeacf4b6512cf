/**
 * Where partner definitions live in the bucket, and how the one in force is
 * chosen:
 *
 * - `<prefix>_partners.yaml`: the publisher's file;
 * - `<prefix>_partners.last-valid.json`: a copy of the last version that
 *   passed every check, so that a fresh isolate after a bad upload still
 *   serves the partners on their last valid terms.
 *
 * The copy sits beside the file rather than in `_index/`: the index rebuild
 * deletes whatever it did not plan in its own folder. Neither key is an
 * article (`isArticleKey`: `.yaml` and `.json` are not article extensions).
 */
import type { ArticleStore } from "../store/store";
import {
  type DefinitionProblem,
  formatProblems,
  NO_PARTNERS,
  PARTNERS_FILE,
  type PartnerDefinition,
  parsePartnerDefinition,
  serializeDefinition,
} from "./definition";

/** The object keys of the partner definition below one article prefix. */
export interface PartnerKeys {
  definition: string;
  lastValid: string;
}

/** The partner keys below `articlePrefix` (normalised: `news/` or empty). */
export function partnerKeys(articlePrefix: string): PartnerKeys {
  return { definition: `${articlePrefix}${PARTNERS_FILE}`, lastValid: `${articlePrefix}_partners.last-valid.json` };
}

/** The definition in force and how it was decided. */
export interface LoadedDefinition {
  definition: PartnerDefinition;
  /**
   * `file`: the file is valid; `absent`: there is no file (no partners);
   * `last-valid`: the file is invalid and the saved copy stands in;
   * `memory`: the file is invalid, no copy is readable, this isolate's last
   * valid version stands in; `none`: nothing valid anywhere (no partners).
   */
  source: "file" | "absent" | "last-valid" | "memory" | "none";
  /** What is wrong with the file (empty unless it is invalid). */
  problems: DefinitionProblem[];
  /** The file's ETag; null without a file. */
  etag: string | null;
}

/** Options of {@link loadPartnerDefinition}. */
export interface LoadOptions {
  articlePrefix: string;
  /** This isolate's last valid definition: the stand-in when the bucket has no readable copy. */
  lastKnown?: PartnerDefinition | null;
  /** Receives the report of an invalid file (with line numbers). */
  log?: (message: string) => void;
}

/**
 * Reads the file and the saved copy (together: one round trip) and decides
 * which definition is in force. A valid file that differs from the saved copy
 * is saved; without a file the copy is deleted, so that a later bad upload
 * cannot bring back partners removed together with the file.
 * @throws {StoreError} when the store cannot be read.
 */
export async function loadPartnerDefinition(store: ArticleStore, options: LoadOptions): Promise<LoadedDefinition> {
  const keys = partnerKeys(options.articlePrefix);
  const [file, saved] = await Promise.all([store.get(keys.definition), store.get(keys.lastValid)]);
  const savedText = saved ? new TextDecoder().decode(saved.body) : null;

  // Keeping the copy in step is worth a write, but never worth failing the request that noticed.
  const bestEffort = async (write: () => Promise<void>): Promise<void> => {
    try {
      await write();
    } catch (error) {
      options.log?.(`could not update ${keys.lastValid}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  if (file === null) {
    if (saved !== null) await bestEffort(() => store.delete(keys.lastValid));
    return { definition: NO_PARTNERS, source: "absent", problems: [], etag: null };
  }
  const parsed = parsePartnerDefinition(new TextDecoder().decode(file.body));
  if (parsed.ok) {
    const text = serializeDefinition(parsed.definition);
    if (text !== savedText) await bestEffort(() => store.put(keys.lastValid, text, { contentType: "application/json; charset=utf-8" }));
    return { definition: parsed.definition, source: "file", problems: [], etag: file.etag };
  }

  options.log?.([`${keys.definition} is invalid; the last valid version stays in force:`, ...formatProblems(parsed.problems, keys.definition)].join("\n"));
  const copy = savedText === null ? null : parsePartnerDefinition(savedText);
  if (copy?.ok) return { definition: copy.definition, source: "last-valid", problems: parsed.problems, etag: file.etag };
  if (options.lastKnown) return { definition: options.lastKnown, source: "memory", problems: parsed.problems, etag: file.etag };
  return { definition: NO_PARTNERS, source: "none", problems: parsed.problems, etag: file.etag };
}

/**
 * Writes a checked definition as the file and as the saved copy (the command
 * line and `npm run publish` do: a version they wrote is in force even if no
 * Worker read it before the next change).
 */
export async function savePartnerDefinition(store: ArticleStore, articlePrefix: string, fileText: string, definition: PartnerDefinition): Promise<void> {
  const keys = partnerKeys(articlePrefix);
  await store.put(keys.definition, fileText, { contentType: "application/yaml; charset=utf-8" });
  await store.put(keys.lastValid, serializeDefinition(definition), { contentType: "application/json; charset=utf-8" });
}
