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

import { parseArticle } from "../src/article/parse";
import type { RawArticle } from "../src/article/parse";

/** mulberry32: tiny, fast, good enough for test data, and deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Flavour {
  words: string[];
  ad: string;
  source: string;
  comment: string;
  names: string[];
}

const FLAVOURS: Flavour[] = [
  {
    words: "Präsident Nordkorea Besuch Sanktionen Russland Zusammenarbeit Staatsmedien Leitartikel würden überwinden Beziehungen Bereichen verbessert Führer Sicherheitsrat Vereinten Nationen Atomprogramm beenden Tourismus Kultur Bildung".split(" "),
    ad: "Anzeige", source: "Quelle:", comment: "Kommentar", names: ["KHANH MINH", "ANNA SCHMIDT", "JONAS WEBER"],
  },
  {
    words: "bridge council traffic engineers repairs commuters ferry budget inspection morning officials closure reopened planners deck cables businesses promised rebate streets".split(" "),
    ad: "ad", source: "Source:", comment: "Comment", names: ["JAMES OKAFOR", "PRIYA NAIR", "ANNA BERG & TIM KOCH"],
  },
  {
    words: "thành phố xe buýt điện tuyến mới hành khách giao thông vận tải năng lượng sạch trạm sạc mục tiêu đầu tư nội đô huyện".split(" "),
    ad: "Quảng cáo", source: "Nguồn:", comment: "Bình luận", names: ["THANH HẰNG", "NGUYEN VAN AN - TRAN THI BICH"],
  },
  {
    words: "métropole pistes cyclables investissement déplacements quotidiens réseau communes circulation associations commerçants stationnement travaux printemps".split(" "),
    ad: "Publicité", source: "Source :", comment: "Commentaire", names: ["CLAIRE DUBOIS", "JEAN-PIERRE MARTIN"],
  },
  {
    words: "embalses capacidad boletín hidrológico restricciones riego campaña primavera desalinizadoras agricultores ayudas sequía abastecimiento confederación".split(" "),
    ad: "Anuncio", source: "Fuente:", comment: "Comentario", names: ["LUCIA GARCIA", "PABLO RUIZ"],
  },
];

function pick<T>(rand: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rand() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

function sentence(rand: () => number, f: Flavour): string {
  const n = 8 + Math.floor(rand() * 18);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(pick(rand, f.words));
  const first = words[0] ?? "Text";
  words[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return `${words.join(rand() < 0.3 ? ", " : " ")}.`;
}

function makeArticle(i: number, rand: () => number): RawArticle {
  const f = pick(rand, FLAVOURS);
  const lines: string[] = [];
  if (rand() < 0.1) lines.push(`[${f.ad}_1]`);
  const paragraphs = 4 + Math.floor(rand() * 3);
  for (let p = 0; p < paragraphs; p++) {
    const sentences: string[] = [];
    const count = 2 + Math.floor(rand() * 3);
    for (let s = 0; s < count; s++) sentences.push(sentence(rand, f));
    let para = sentences.join(" ");
    if (rand() < 0.15) para = para.replace(". ", `. [${f.ad}_${p}] `);
    lines.push(para);
    if (rand() < 0.05) lines.push("WICHTIGE ÄNDERUNGEN");
  }
  if (rand() < 0.85) lines.push(pick(rand, f.names));
  lines.push(`[${f.ad}_${1 + Math.floor(rand() * 5)}]`);
  if (rand() < 0.9) lines.push(`${f.source} https://www.example-news.test/${i}/article-post${700000 + i}.html?ref=rss&n=${i}`);
  lines.push(`${f.comment} (${Math.floor(rand() * 40)})`);
  const eol = rand() < 0.1 ? "\r\n" : "\n";
  const text = (rand() < 0.05 ? "\uFEFF" : "") + lines.join(eol);
  return {
    key: `articles/${String(i).padStart(5, "0")}_${Math.floor(rand() * 0xffffffff).toString(16)}.txt`,
    body: new TextEncoder().encode(text),
    lastModified: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000),
  };
}

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
