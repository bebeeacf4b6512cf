/**
 * Deterministic synthetic articles shaped like the seed (~2 KB of text in five
 * languages with placeholders, signatures, source lines, comment counters,
 * CRLF and BOM variants), for the parser and service benchmarks. A seeded
 * PRNG makes every run see the same input.
 */
import type { RawArticle } from "../../src/article/parse";

/** mulberry32: tiny, fast, good enough for test data, and deterministic. */
export function prng(seed: number): () => number {
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
    words:
      "Präsident Nordkorea Besuch Sanktionen Russland Zusammenarbeit Staatsmedien Leitartikel würden überwinden Beziehungen Bereichen verbessert Führer Sicherheitsrat Vereinten Nationen Atomprogramm beenden Tourismus Kultur Bildung".split(
        " ",
      ),
    ad: "Anzeige",
    source: "Quelle:",
    comment: "Kommentar",
    names: ["KHANH MINH", "ANNA SCHMIDT", "JONAS WEBER"],
  },
  {
    words:
      "bridge council traffic engineers repairs commuters ferry budget inspection morning officials closure reopened planners deck cables businesses promised rebate streets".split(
        " ",
      ),
    ad: "ad",
    source: "Source:",
    comment: "Comment",
    names: ["JAMES OKAFOR", "PRIYA NAIR", "ANNA BERG & TIM KOCH"],
  },
  {
    words: "thành phố xe buýt điện tuyến mới hành khách giao thông vận tải năng lượng sạch trạm sạc mục tiêu đầu tư nội đô huyện".split(" "),
    ad: "Quảng cáo",
    source: "Nguồn:",
    comment: "Bình luận",
    names: ["THANH HẰNG", "NGUYEN VAN AN - TRAN THI BICH"],
  },
  {
    words:
      "métropole pistes cyclables investissement déplacements quotidiens réseau communes circulation associations commerçants stationnement travaux printemps".split(
        " ",
      ),
    ad: "Publicité",
    source: "Source :",
    comment: "Commentaire",
    names: ["CLAIRE DUBOIS", "JEAN-PIERRE MARTIN"],
  },
  {
    words:
      "embalses capacidad boletín hidrológico restricciones riego campaña primavera desalinizadoras agricultores ayudas sequía abastecimiento confederación".split(
        " ",
      ),
    ad: "Anuncio",
    source: "Fuente:",
    comment: "Comentario",
    names: ["LUCIA GARCIA", "PABLO RUIZ"],
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

/**
 * The `i`-th synthetic article, drawing from `rand` (call in order of `i` with
 * one generator for a reproducible set). Its key is `articles/<i>_<hex>.txt`
 * and its last-modified time is `i` hours after 2024-01-01.
 */
export function makeArticle(i: number, rand: () => number): RawArticle {
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
