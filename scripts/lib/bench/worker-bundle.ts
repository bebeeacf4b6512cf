/**
 * The Worker as it would be deployed: `wrangler deploy --dry-run --minify`
 * bundles it (with wrangler.toml's aliases) without uploading. The benchmark
 * measures that bundle's size and runs that very file in workerd, so what is
 * measured is what ships.
 */
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";

/** wrangler's own entry point, run with this Node (as `scripts/dev.ts` does): no npx layer in between. */
const WRANGLER = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");

/** A bundled Worker. */
export interface WorkerBundle {
  /** Folder holding the output. */
  dir: string;
  /** Absolute path of the main module. */
  mainFile: string;
  bytes: number;
  /** Size gzipped at level 9, as Cloudflare's upload limit counts it. */
  gzipBytes: number;
}

/** Bundles the Worker of `projectDir` into `outDir` (which should be empty). */
export async function bundleWorker(projectDir: string, outDir: string): Promise<WorkerBundle> {
  await promisify(execFile)(process.execPath, [WRANGLER, "deploy", "--dry-run", "--outdir", outDir, "--minify"], {
    cwd: projectDir,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const scripts = (await readdir(outDir)).filter((name) => name.endsWith(".js"));
  // The main module is named after wrangler.toml's `main` (index.js); other .js files would be chunks.
  const main = scripts.includes("index.js") ? "index.js" : scripts[0];
  if (main === undefined) throw new Error(`wrangler wrote no .js file to ${outDir}`);
  const code = await readFile(join(outDir, main));
  return { dir: outDir, mainFile: join(outDir, main), bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
}

/** wrangler.toml's compatibility date and flags: the bundle must run with the settings it was built for. */
export async function readCompatibility(projectDir: string): Promise<{ compatibilityDate: string; compatibilityFlags: string[] }> {
  const toml = await readFile(join(projectDir, "wrangler.toml"), "utf8");
  const date = /^\s*compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  if (date === undefined) throw new Error("wrangler.toml has no compatibility_date");
  const flags = /^\s*compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? "";
  return { compatibilityDate: date, compatibilityFlags: [...flags.matchAll(/"([^"]+)"/g)].map((match) => match[1] ?? "") };
}
