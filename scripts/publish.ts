/**
 * `npm run publish -- <folder> [--dry-run] [--delete] [--rebuild] [--prefix p/] [--lang en]`
 *
 * Lints a local folder of articles, uploads the files whose bytes changed to
 * the bucket the Worker serves, and brings the index up to date for exactly
 * the keys it wrote or deleted: through the Worker's `POST /admin/changes`
 * when SITE_URL and ADMIN_TOKEN are set (the Worker then purges its caches),
 * else from here. Configuration comes from the Worker's variables
 * (S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID...) in the environment or in
 * `./.dev.vars`.
 *
 * A `_partners.yaml` at the top of the folder is uploaded too when it is
 * valid; an invalid one is reported with line numbers and left out.
 *
 * Exit codes: 0 success (skipped files are warnings), 1 store failure,
 * 2 usage or configuration error (an invalid `_partners.yaml` included).
 */
import "./lib/quiet-sdk-notice";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig, s3Settings } from "../src/config";
import { createS3Store } from "../src/store/s3";
import { oneLineError, UsageError } from "./lib/cli-errors";
import { loadWorkerEnv } from "./lib/dev-vars";
import { createProgress, type Progress } from "./lib/progress";
import { type PublishStep, publish } from "./lib/publish";
import { formatPublishReport } from "./lib/publish-report";

const USAGE = `Usage: npm run publish -- <folder> [--dry-run] [--delete] [--rebuild] [--prefix <p/>] [--lang <tag>]

Uploads the changed articles of <folder> to the bucket and updates the index
for exactly the keys written or deleted (a bucket without an index gets its
first index built in full).
A valid _partners.yaml at the top of <folder> is uploaded as well.

  --dry-run        lint and compare only: nothing is written to the bucket
  --delete         also delete articles under the prefix that the folder no longer has
  --rebuild        rebuild the whole index from the articles instead of applying the changed keys
  --prefix <p/>    key prefix of the articles (default: S3_PREFIX)
  --lang <tag>     default language of articles (default: FEED_LANGUAGE, else en)
  -h, --help       show this help

Reads S3_ENDPOINT, S3_REGION, S3_BUCKET, S3_PREFIX, S3_ACCESS_KEY_ID,
S3_SECRET_ACCESS_KEY, S3_FORCE_PATH_STYLE and FEED_LANGUAGE from the
environment, or from ./.dev.vars (the environment wins). With SITE_URL and
ADMIN_TOKEN set, the changed keys go to <SITE_URL>/admin/changes, so the
Worker updates the index and purges its caches at once; if that fails they
are applied from here.`;

const STEP_LABELS: Record<PublishStep, string> = { read: "reading", upload: "uploading", index: "indexing" };

/** The parsed command line. @throws {UsageError} for an unknown option or a missing value. */
function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        "dry-run": { type: "boolean", default: false },
        delete: { type: "boolean", default: false },
        rebuild: { type: "boolean", default: false },
        prefix: { type: "string" },
        lang: { type: "string" },
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
  if (args.positionals.length !== 1) throw new UsageError("expected exactly one folder (see --help)");
  const folder = resolve(args.positionals[0] ?? "");
  if (
    !(await stat(folder).then(
      (info) => info.isDirectory(),
      () => false,
    ))
  )
    throw new UsageError(`${folder} is not a folder`);

  const env = await loadWorkerEnv(process.cwd());
  if (args.values.prefix !== undefined) env.S3_PREFIX = args.values.prefix;
  if (args.values.lang !== undefined) env.FEED_LANGUAGE = args.values.lang;
  // The Worker's own loader: the same defaults and checks, and messages that name variables, never values.
  const config = loadConfig(env, "http://localhost/");

  const bars = new Map<PublishStep, Progress>();
  const bar = (step: PublishStep): Progress => {
    let progress = bars.get(step);
    if (!progress) {
      progress = createProgress(STEP_LABELS[step]);
      bars.set(step, progress);
    }
    return progress;
  };
  // The Worker is told only when it can be reached on purpose: SITE_URL itself, never a default.
  const siteUrl = env.SITE_URL?.trim() ?? "";
  const report = await publish({
    folder,
    store: createS3Store(s3Settings(config)),
    prefix: config.prefix,
    defaultLanguage: config.feed.language,
    dryRun: args.values["dry-run"],
    delete: args.values.delete,
    rebuild: args.values.rebuild,
    ...(siteUrl && config.adminToken ? { worker: { siteUrl: config.feed.siteUrl, adminToken: config.adminToken } } : {}),
    onProgress: (step, done, total) => bar(step).update(done, total),
    onStepEnd: (step) => bars.get(step)?.finish(),
  });
  console.log(formatPublishReport(report).join("\n"));
  return report.partners?.status === "invalid" ? 2 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError || error instanceof ConfigError;
    console.error(`publish: ${oneLineError(error)}`);
    process.exitCode = usage ? 2 : 1;
  },
);
