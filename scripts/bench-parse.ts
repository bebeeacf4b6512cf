/**
 * Throughput benchmark for the article parser.
 *
 *   npx tsx scripts/bench-parse.ts [count]
 *
 * Generates `count` (default 10,000) seed-like articles deterministically
 * (seeded PRNG: same input every run), varying words, languages, inline and
 * whole-line placeholders, signatures, trailers and line endings, then parses
 * them all on one core and prints a small table. The target is >= 5,000
 * articles/s for seed-sized (~2 KB) articles.
 */

import type { RawArticle } from "../src/article/parse";
import { parseArticle } from "../src/article/parse";
import { makeArticle, prng } from "./lib/synthetic-articles";

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] ?? 0;
}

function main(): void {
  const count = Number(process.argv[2] ?? 10_000);
  if (!Number.isInteger(count) || count <= 0) {
    console.error("usage: npx tsx scripts/bench-parse.ts [count]");
    process.exitCode = 2;
    return;
  }
  const rand = prng(0x5eed);
  const inputs: RawArticle[] = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const raw = makeArticle(i, rand);
    bytes += (raw.body as Uint8Array).byteLength;
    inputs.push(raw);
  }

  // Warm up the JIT and the regex caches on a slice of the input.
  for (let i = 0; i < Math.min(500, count); i++) parseArticle(inputs[i] as RawArticle, { defaultLanguage: "en" });

  const times = new Float64Array(count);
  let ok = 0;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const result = parseArticle(inputs[i] as RawArticle, { defaultLanguage: "en" });
    times[i] = performance.now() - t0;
    if (result.ok) ok++;
  }
  const total = performance.now() - start;
  const sorted = Array.from(times).sort((a, b) => a - b);
  const heapMb = process.memoryUsage().heapUsed / 1024 / 1024;

  const rows: [string, string][] = [
    ["articles", `${count} (${ok} ok, avg ${Math.round(bytes / count)} bytes)`],
    ["total ms", total.toFixed(1)],
    ["articles/s", Math.round((count / total) * 1000).toLocaleString("en-US")],
    ["ms/article p50", percentile(sorted, 50).toFixed(3)],
    ["ms/article p99", percentile(sorted, 99).toFixed(3)],
    ["heap used MB", heapMb.toFixed(1)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
}

main();
