/**
 * `npm run partners -- <add|list|revoke|rotate> …`
 *
 * Manages `_partners.yaml` in the bucket the Worker serves: adds a partner
 * with its terms, lists them, revokes one, or rotates one's token. A new
 * token is printed once and never stored: the file keeps its SHA-256 only.
 * Edits keep the file's comments and the other partners as they are, and are
 * checked with the Worker's own rules before anything is written.
 *
 * Configuration as for `npm run publish`: the Worker's variables in the
 * environment or in `./.dev.vars`. `npm start` prints the line that points
 * this command at its local bucket.
 *
 * Exit codes: 0 success, 1 store failure, 2 usage, configuration or
 * definition error.
 */
import "./lib/quiet-sdk-notice";
import { parseArgs } from "node:util";
import { ConfigError, type Env, loadStoreSettings, s3Settings } from "../src/config";
import {
  DEFINITION_LIMITS,
  formatProblems,
  isHttpsOrigin,
  PARTNER_ID_PATTERN,
  type Partner,
  parsePartnerDefinition,
  parseTopicRule,
  topicRuleText,
} from "../src/partners/definition";
import { partnerKeys, savePartnerDefinition } from "../src/partners/storage";
import { rateLimitBindingName } from "../src/partners/usage";
import { createS3Store } from "../src/store/s3";
import type { ArticleStore } from "../src/store/store";
import { oneLineError, UsageError } from "./lib/cli-errors";
import { loadWorkerEnv } from "./lib/dev-vars";
import { addPartner, type NewPartner, PartnersEditError, revokePartner, rotatePartner } from "./lib/partners-edit";

const USAGE = `Usage:
  npm run partners -- add <id> --name <name> [--summary] [--delay <minutes>]
                     [--topics lang/de,tags/x] [--attribution <text>]
                     [--origins https://a.example,https://b.example] [--rpm <n>]
  npm run partners -- list
  npm run partners -- revoke <id>
  npm run partners -- rotate <id>

Manages _partners.yaml in the bucket. add and rotate print the partner's new
token once; only its SHA-256 is stored. Changes reach the Worker within
INDEX_TTL (60 s by default).

  --name <name>          the partner's name (add: required)
  --summary              items carry the summary only (default: the full text)
  --delay <minutes>      withhold items younger than this (default 0)
  --topics <list>        allow only these topics (segment/slug: tags, authors,
                         lang, sources), comma-separated
  --attribution <text>   appended to each item
  --origins <list>       exact https origins whose pages may read the feed
  --rpm <n>              requests per minute (needs the rate limiting binding
                         PARTNER_RATE_LIMIT_<n>, printed by add)
  --prefix <p/>          key prefix of the articles (default: S3_PREFIX)
  -h, --help             show this help

Reads S3_ENDPOINT, S3_REGION, S3_BUCKET, S3_PREFIX, S3_ACCESS_KEY_ID,
S3_SECRET_ACCESS_KEY, S3_FORCE_PATH_STYLE and SITE_URL from the environment,
or from ./.dev.vars (the environment wins). For the local service of
\`npm start\`, put the variables it prints before the command.`;

/** The parsed command line. @throws {UsageError} for an unknown option or a missing value. */
function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        name: { type: "string" },
        summary: { type: "boolean", default: false },
        delay: { type: "string" },
        topics: { type: "string" },
        attribution: { type: "string" },
        origins: { type: "string" },
        rpm: { type: "string" },
        prefix: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError(oneLineError(error));
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parseCommandLine(argv);
  if (args.values.help) {
    console.log(USAGE);
    return 0;
  }
  const [command, id, ...rest] = args.positionals;
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}" (see --help)`);
  const addOnly = (["name", "summary", "delay", "topics", "attribution", "origins", "rpm"] as const).filter(
    (option) => args.values[option] !== undefined && args.values[option] !== false,
  );
  if (command !== "add" && addOnly.length > 0) throw new UsageError(`--${addOnly[0]} belongs to add (see --help)`);
  if (command === "list" && id !== undefined) throw new UsageError("list takes no argument");
  if ((command === "add" || command === "revoke" || command === "rotate") && (id === undefined || !PARTNER_ID_PATTERN.test(id))) {
    throw new UsageError(`${command} needs a partner id matching [a-z0-9-]{1,40}`);
  }

  const env: Env = await loadWorkerEnv(process.cwd());
  if (args.values.prefix !== undefined) env.S3_PREFIX = args.values.prefix;
  const settings = loadStoreSettings(env);
  const store = createS3Store(s3Settings(settings));
  const siteUrl = (env.SITE_URL ?? "").trim().replace(/\/+$/, "") || "<SITE_URL>";

  switch (command) {
    case "add": {
      const partner = newPartnerFromArgs(id ?? "", args.values);
      const edited = await addPartner(await readFile(store, settings.prefix), partner);
      await savePartnerDefinition(store, settings.prefix, edited.text, edited.definition);
      printToken(`Partner "${partner.id}" added`, edited.token, siteUrl);
      if (partner.requestsPerMinute !== undefined) printRateLimitBinding(partner.requestsPerMinute);
      return 0;
    }
    case "rotate": {
      const edited = await rotatePartner(await readFile(store, settings.prefix), id ?? "");
      await savePartnerDefinition(store, settings.prefix, edited.text, edited.definition);
      printToken(`Partner "${id}" has a new token; the old one stops working`, edited.token, siteUrl);
      return 0;
    }
    case "revoke": {
      const edited = revokePartner(await readFile(store, settings.prefix), id ?? "");
      await savePartnerDefinition(store, settings.prefix, edited.text, edited.definition);
      console.log(`Partner "${id}" revoked: its token opens nothing once the Worker has read the file (within INDEX_TTL).`);
      return 0;
    }
    case "list":
      return listPartners(store, settings.prefix);
    default:
      throw new UsageError(
        command === undefined ? "expected a command: add, list, revoke or rotate (see --help)" : `unknown command "${command}" (see --help)`,
      );
  }
}

/** The new partner of `add`, its options checked with messages about the options (not about a file). */
function newPartnerFromArgs(
  id: string,
  values: { name?: string; summary?: boolean; delay?: string; topics?: string; attribution?: string; origins?: string; rpm?: string },
): NewPartner {
  const name = values.name?.trim();
  if (!name) throw new UsageError("add needs --name <name>");
  const partner: NewPartner = { id, name, content: values.summary ? "summary" : "full", delayMinutes: 0 };
  if (values.delay !== undefined) partner.delayMinutes = wholeNumber(values.delay, "--delay", 0, DEFINITION_LIMITS.maxDelayMinutes);
  if (values.topics !== undefined) {
    partner.topics = commaList(values.topics).map((topic) => {
      const rule = parseTopicRule(topic);
      if (!rule) throw new UsageError(`--topics: "${topic}" is not segment/slug with segment tags, authors, lang or sources (e.g. lang/de)`);
      return topicRuleText(rule);
    });
  }
  if (values.attribution !== undefined) partner.attribution = values.attribution.trim();
  if (values.origins !== undefined) {
    partner.origins = commaList(values.origins).map((origin) => {
      if (!isHttpsOrigin(origin)) throw new UsageError(`--origins: "${origin}" is not an exact https origin such as https://www.example.com`);
      return origin;
    });
  }
  if (values.rpm !== undefined) partner.requestsPerMinute = wholeNumber(values.rpm, "--rpm", 1, DEFINITION_LIMITS.maxRequestsPerMinute);
  return partner;
}

function commaList(text: string): string[] {
  return text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
}

function wholeNumber(text: string, option: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`${option} must be a whole number from ${min} to ${max}`);
  return value;
}

async function readFile(store: ArticleStore, prefix: string): Promise<string | null> {
  const object = await store.get(partnerKeys(prefix).definition);
  return object === null ? null : new TextDecoder().decode(object.body);
}

/** Prints the partners of the file; for an invalid file its problems and the version in force. */
async function listPartners(store: ArticleStore, prefix: string): Promise<number> {
  const keys = partnerKeys(prefix);
  const text = await readFile(store, prefix);
  if (text === null) {
    console.log(`No ${keys.definition} in the bucket: no partner feeds.`);
    return 0;
  }
  const parsed = parsePartnerDefinition(text);
  if (parsed.ok) {
    printPartners(parsed.definition.partners);
    return 0;
  }
  console.log([`${keys.definition} is invalid; the last valid version stays in force:`, ...formatProblems(parsed.problems, keys.definition)].join("\n"));
  const saved = await store.get(keys.lastValid);
  const copy = saved ? parsePartnerDefinition(new TextDecoder().decode(saved.body)) : null;
  console.log("");
  if (copy?.ok) {
    console.log("In force:");
    printPartners(copy.definition.partners);
  } else {
    console.log("No valid version is known: no partner feeds.");
  }
  return 2;
}

function printPartners(partners: readonly Partner[]): void {
  if (partners.length === 0) {
    console.log("No partners.");
    return;
  }
  for (const partner of partners) {
    const terms = [
      partner.content === "summary" ? "summary only" : "full text",
      partner.delayMinutes > 0 ? `delay ${partner.delayMinutes} min` : "no delay",
      partner.topics ? `topics ${partner.topics.map(topicRuleText).join(", ")}` : "all topics",
      partner.requestsPerMinute !== null ? `${partner.requestsPerMinute} requests/min` : "no request limit",
    ];
    console.log(`${partner.id}  ${partner.name}`);
    console.log(`    ${terms.join("; ")}`);
    if (partner.attribution) console.log(`    attribution: ${partner.attribution}`);
    if (partner.origins) console.log(`    widget origins: ${partner.origins.join(", ")}`);
  }
}

function printToken(headline: string, token: string, siteUrl: string): void {
  console.log(`${headline}. Its token, shown this once (only its SHA-256 is stored):

  ${token}

Hand it over privately. Feeds for readers (the token in the path):
  ${siteUrl}/p/${token}/rss.xml   (also atom.xml, feed.json, and every topic and archive feed below /p/${token}/)
Or on the public URLs with the header:
  Authorization: Bearer ${token}
The Worker reads the change within INDEX_TTL (60 s by default).`);
}

function printRateLimitBinding(requestsPerMinute: number): void {
  console.log(`
The budget of ${requestsPerMinute} requests per minute is enforced by a Workers rate limiting
binding of that size. Unless wrangler.toml has it already, add it and deploy:

  [[ratelimits]]
  name = "${rateLimitBindingName(requestsPerMinute)}"
  namespace_id = "<an integer of your choice, unique in your Cloudflare account>"
  simple = { limit = ${requestsPerMinute}, period = 60 }`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError || error instanceof ConfigError || error instanceof PartnersEditError;
    if (error instanceof ConfigError) {
      console.error(`partners: ${error.message}\n(For the local service of \`npm start\`, put the variables it prints before the command.)`);
    } else {
      // PartnersEditError messages span several lines (one per problem): print them whole.
      console.error(`partners: ${error instanceof PartnersEditError ? error.message : oneLineError(error)}`);
    }
    process.exitCode = usage ? 2 : 1;
  },
);
