/**
 * The Worker's configuration for command-line tools: the same variable names
 * as the Worker (`src/config.ts`), read from the process environment and from
 * a `.dev.vars` file the way `wrangler dev` reads it, so one file configures
 * both.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ConfigVariables } from "../../src/config";

/**
 * Parses `.dev.vars` text: `KEY=value` lines, `#` comments, blank lines, an
 * optional `export ` and values optionally wrapped in single or double quotes
 * (dotenv syntax, which wrangler uses). Lines that are not assignments are
 * ignored rather than rejected, as dotenv does.
 */
export function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(rawLine);
    if (!match?.[1]) continue;
    let value = match[2] ?? "";
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, "\n");
    } else {
      // An unquoted value ends at a comment that follows whitespace.
      value = value.replace(/\s+#.*$/, "");
    }
    vars[match[1]] = value;
  }
  return vars;
}

/**
 * The Worker environment for a tool run in `directory`: `.dev.vars` there (if
 * any) overlaid by `processEnv`, because an explicit environment variable is
 * the more deliberate choice.
 */
export async function loadWorkerEnv(directory: string, processEnv: NodeJS.ProcessEnv = process.env): Promise<ConfigVariables> {
  let fileVars: Record<string, string> = {};
  try {
    fileVars = parseDevVars(await readFile(join(directory, ".dev.vars"), "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const env: Record<string, string> = { ...fileVars };
  for (const [name, value] of Object.entries(processEnv)) if (value !== undefined) env[name] = value;
  return env as ConfigVariables;
}
