import { causeCode } from "./cli-errors";

/**
 * Sends changed keys to a running Worker's `POST /admin/changes`, the way the
 * publish command and the local watcher tell the service what they wrote:
 * the Worker applies them within its budget per request and purges its
 * caches; keys it did not reach (202) are sent again until none remain.
 */

/** Where the Worker is and how to authenticate. */
export interface WorkerTarget {
  /** Base URL of the service (SITE_URL), without a trailing slash. */
  siteUrl: string;
  adminToken: string;
  /** Default: the global fetch (tests may pass another). */
  fetch?: typeof fetch;
  /** Per request, default 60 s. */
  timeoutMs?: number;
}

/** What the Worker did with the keys. */
export interface SentChanges {
  /** Keys the Worker applied (or ignored as not articles): nothing left to do for them. */
  done: string[];
  /** Keys not applied: the Worker failed or stopped making progress (`error` says why). */
  pending: string[];
  /** Store requests the Worker reported. */
  reads: number;
  writes: number;
  /** One line, never a credential; null when every key was done. */
  error: string | null;
}

/** Keys per request: far below the endpoint's 1 MB body limit even for the longest keys S3 allows. */
export const KEYS_PER_REQUEST = 500;

interface ChangeAnswer {
  applied: string[];
  remaining: string[];
  ignored: string[];
  reads: number;
  writes: number;
}

/** The endpoint of `siteUrl`. */
export function changesEndpoint(siteUrl: string): string {
  return `${siteUrl.replace(/\/+$/, "")}/admin/changes`;
}

/**
 * Posts `keys` in chunks of {@link KEYS_PER_REQUEST} and again what each
 * answer left, until every key is done, a request fails, or an answer makes
 * no progress. Never throws: what could not be sent is `pending`.
 */
export async function sendChanges(target: WorkerTarget, keys: readonly string[]): Promise<SentChanges> {
  const doFetch = target.fetch ?? fetch;
  const url = changesEndpoint(target.siteUrl);
  const result: SentChanges = { done: [], pending: [], reads: 0, writes: 0, error: null };
  let pending = [...new Set(keys)];
  while (pending.length > 0) {
    const chunk = pending.slice(0, KEYS_PER_REQUEST);
    let answer: ChangeAnswer;
    try {
      const response = await doFetch(url, {
        method: "POST",
        headers: { Authorization: `Bearer ${target.adminToken}`, "Content-Type": "application/json" },
        body: JSON.stringify({ keys: chunk }),
        signal: AbortSignal.timeout(target.timeoutMs ?? 60_000),
      });
      if (response.status !== 200 && response.status !== 202) {
        // The Worker's error answers are one line written for clients; nothing else is quoted.
        const line = (await response.text()).split("\n")[0]?.slice(0, 120) ?? "";
        return { ...result, pending, error: `${url} answered ${response.status}${line ? `: ${line}` : ""}` };
      }
      answer = readAnswer(await response.json());
    } catch (error) {
      return { ...result, pending, error: `${url} could not be reached (${describe(error)})` };
    }
    const done = [...answer.applied, ...answer.ignored];
    result.done.push(...done);
    result.reads += answer.reads;
    result.writes += answer.writes;
    if (done.length === 0) return { ...result, pending, error: `${url} applied none of ${chunk.length} keys` };
    const left = new Set(answer.remaining);
    pending = [...chunk.filter((key) => left.has(key)), ...pending.slice(chunk.length)];
  }
  return result;
}

function readAnswer(value: unknown): ChangeAnswer {
  const body = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const list = (field: unknown) => (Array.isArray(field) ? field.filter((key): key is string => typeof key === "string") : []);
  const count = (field: unknown) => (typeof field === "number" && Number.isFinite(field) ? field : 0);
  return { applied: list(body.applied), remaining: list(body.remaining), ignored: list(body.ignored), reads: count(body.reads), writes: count(body.writes) };
}

/** A code rather than a message: socket errors can quote addresses, codes do not. */
function describe(error: unknown): string {
  const cause = error instanceof Error ? causeCode(error.cause) : null;
  return cause ?? causeCode(error) ?? "error";
}
