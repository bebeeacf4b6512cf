/**
 * Editing `_partners.yaml` the way a person would: through the yaml Document
 * API, so that comments, the order of entries and the other partners stay as
 * they were. Every edit is checked with the Worker's own rules before it is
 * returned; an edit that would leave an invalid file is refused.
 */
import { randomBytes } from "node:crypto";
import { type Document, isMap, isScalar, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from "yaml";
import { formatProblems, PARTNERS_FILE, type PartnerDefinition, parsePartnerDefinition } from "../../src/partners/definition";
import { sha256Hex } from "../../src/partners/token";

/** An edit that cannot be made (exit code 2): the message says why, with line numbers where a file is at fault. */
export class PartnersEditError extends Error {
  override name = "PartnersEditError";
}

/** What `add` writes for a new partner (the file's own field names). */
export interface NewPartner {
  id: string;
  name: string;
  content: "full" | "summary";
  delayMinutes: number;
  topics?: string[];
  attribution?: string;
  origins?: string[];
  requestsPerMinute?: number;
}

/** A checked file text and its definition. */
export interface EditedFile {
  text: string;
  definition: PartnerDefinition;
}

/** The header a new file starts with. */
const NEW_FILE_HEADER = ` Partner feeds: one entry per partner, each with its own terms.
 Written by \`npm run partners\`; see README "Giving a partner a feed".
 token_sha256 is the SHA-256 of the partner's token; the token itself is never stored.`;

/**
 * A new token: 32 random bytes (256 bits, twice the 128 the issue asks as a
 * floor), base64url so it fits in a path segment and a bearer header alike.
 */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Adds a partner to `current` (null: no file yet); returns the file and the token to hand over. */
export async function addPartner(current: string | null, partner: NewPartner): Promise<EditedFile & { token: string }> {
  const doc = openDocument(current);
  const list = partnersList(doc);
  if (list.items.some((item) => isMap(item) && item.get("id") === partner.id)) {
    throw new PartnersEditError(`partner "${partner.id}" exists already (rotate gives it a new token, revoke removes it)`);
  }
  const token = newToken();
  const fields: Record<string, unknown> = {
    id: partner.id,
    name: partner.name,
    token_sha256: await sha256Hex(token),
    content: partner.content,
    delay_minutes: partner.delayMinutes,
  };
  if (partner.topics) fields.topics = partner.topics;
  if (partner.attribution !== undefined) fields.attribution = partner.attribution;
  if (partner.origins) fields.origins = partner.origins;
  if (partner.requestsPerMinute !== undefined) fields.requests_per_minute = partner.requestsPerMinute;
  const entry = doc.createNode(fields) as YAMLMap;
  // Lists the way the format's example writes them: [lang/de, tags/wirtschaft].
  for (const key of ["topics", "origins"]) {
    const value = entry.get(key, true);
    if (isSeq(value)) value.flow = true;
  }
  list.add(entry);
  return { ...finish(doc), token };
}

/** Removes the partner `id`: its token opens nothing once the Worker has read the file (within INDEX_TTL). */
export function revokePartner(current: string | null, id: string): EditedFile {
  const doc = openDocument(current);
  const list = partnersList(doc);
  const index = list.items.findIndex((item) => isMap(item) && item.get("id") === id);
  if (index < 0) throw new PartnersEditError(`no partner "${id}"`);
  list.items.splice(index, 1);
  return finish(doc);
}

/** Gives the partner `id` a new token; the old one stops working. Returns the file and the new token. */
export async function rotatePartner(current: string | null, id: string): Promise<EditedFile & { token: string }> {
  const doc = openDocument(current);
  const entry = partnersList(doc).items.find((item): item is YAMLMap => isMap(item) && item.get("id") === id);
  if (!entry) throw new PartnersEditError(`no partner "${id}"`);
  const token = newToken();
  entry.set("token_sha256", await sha256Hex(token));
  return { ...finish(doc), token };
}

function openDocument(current: string | null): Document {
  if (current === null) {
    const doc = parseDocument("partners: []\n");
    doc.commentBefore = NEW_FILE_HEADER;
    return doc;
  }
  const doc = parseDocument(current, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const parsed = parsePartnerDefinition(current);
    const lines = parsed.ok ? [] : formatProblems(parsed.problems);
    throw new PartnersEditError([`${PARTNERS_FILE} in the bucket cannot be read as YAML; fix it first:`, ...lines].join("\n"));
  }
  return doc;
}

/** The `partners` list of `doc`, made a block list if it is empty or missing. */
function partnersList(doc: Document): YAMLSeq {
  if (!isMap(doc.contents)) throw new PartnersEditError(`${PARTNERS_FILE} in the bucket has no \`partners:\` list at the top; fix it first`);
  const list = doc.get("partners", true);
  if (isSeq(list)) {
    // `partners: []` becomes a block list once it has entries.
    if (list.items.length === 0) list.flow = false;
    return list;
  }
  if (list === undefined || (isScalar(list) && list.value === null)) {
    const created = doc.createNode([]) as YAMLSeq;
    doc.set("partners", created);
    return created;
  }
  throw new PartnersEditError(`${PARTNERS_FILE} in the bucket: \`partners\` is not a list; fix it first`);
}

/** The edited text, checked by the Worker's rules. */
function finish(doc: Document): EditedFile {
  const text = doc.toString({ flowCollectionPadding: false });
  const parsed = parsePartnerDefinition(text);
  if (!parsed.ok) {
    throw new PartnersEditError([`the result would not be a valid ${PARTNERS_FILE}, so nothing was written:`, ...formatProblems(parsed.problems)].join("\n"));
  }
  return { text, definition: parsed.definition };
}
