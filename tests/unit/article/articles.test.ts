/**
 * Every sample in articles/ parses to what articles/README.md says it exercises.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Article } from "../../../src/article/model";
import { isVisible, parseArticle } from "../../../src/article/parse";
import { isXmlSafe } from "../../../src/article/text";

const DIR = fileURLToPath(new URL("../../../articles/", import.meta.url));
const LAST_MODIFIED = new Date("2024-06-19T08:00:00Z");
const NOW = new Date("2026-12-01T00:00:00Z");

interface Expected {
  title?: string | RegExp;
  authors: string[];
  link: string | null;
  language: string;
  visible: boolean;
  published?: string;
  tags?: string[];
  warnings?: string[];
  contains?: string[];
  absent?: string[];
  /** Raw markup that must not survive into contentHtml (the plain-text summary may quote it; feeds escape it). */
  absentHtml?: string[];
}

const EXPECTED: Record<string, Expected> = {
  "000_6851536369dabcad.txt": {
    title: /^Stunden bevor der russische Präsident Wladimir Putin Nordkorea einen offiziellen Besuch abstattete…$/,
    authors: ["Khanh Minh"],
    link: "https://www.sggp.org.vn/nga-va-trieu-tien-hop-tac-vuot-qua-cam-van-post745114.html",
    language: "de",
    visible: true,
    warnings: [],
    contains: ['<p class="source">Quelle: <a href="https://www.sggp.org.vn/nga-va-trieu-tien-hop-tac-vuot-qua-cam-van-post745114.html">sggp.org.vn</a></p>'],
  },
  "101_harbour-bridge-reopens.txt": {
    title: "The Harbour Bridge reopened to traffic on Monday morning after an eleven-week closure for structural repairs…",
    authors: ["James Okafor"],
    link: "https://www.harbourtimes.example.com/news/transport/harbour-bridge-reopens?id=4471&ref=rss&utm_source=feed",
    language: "en",
    visible: true,
    warnings: [],
    contains: [
      "predicted, which let us",
      "the affected streets (3).</p>",
      'href="https://www.harbourtimes.example.com/news/transport/harbour-bridge-reopens?id=4471&amp;ref=rss&amp;utm_source=feed"',
      '<p class="source">Source: <a ',
    ],
    absent: ["Comment (12)", "JAMES OKAFOR"],
  },
  "102_ha-noi-mo-rong-tuyen-buyt-dien.txt": {
    authors: ["Thanh Hằng"],
    link: "https://www.sggp.org.vn/ha-noi-mo-rong-tuyen-buyt-dien-post751203.html",
    language: "vi",
    visible: true,
    warnings: [],
    contains: ['<p class="source">Nguồn: <a href="https://www.sggp.org.vn/ha-noi-mo-rong-tuyen-buyt-dien-post751203.html">sggp.org.vn</a></p>'],
    absent: ["Quảng cáo", "Bình luận"],
  },
  "103_lyon-pistes-cyclables.txt": {
    authors: ["Claire Dubois"],
    link: "https://www.leprogres.example.fr/transports/lyon-120-km-de-pistes-cyclables",
    language: "fr",
    visible: true,
    warnings: [],
    contains: ['<p class="source">Source\u00a0: <a '],
    absent: ["Publicité", "Commentaire ("],
  },
  "104_sequia-embalses-andalucia.txt": {
    authors: ["Nguyen Van An", "Tran Thi Bich"],
    link: "https://www.diariosur.example.es/andalucia/embalses-nivel-historico-20250317",
    language: "es",
    visible: true,
    warnings: [],
    contains: ["antes del verano. Los agricultores", '<p class="source">Fuente: <a '],
    absent: ["Anuncio", "Comentario ("],
  },
  "105_stadtwerke-waermepumpen.md": {
    title: "Stadtwerke fördern Wärmepumpen: 3.000 Euro Zuschuss für Altbauten",
    authors: ["Anna Schmidt", "Jonas Weber"],
    link: "https://www.stadtanzeiger.example.de/region/waermepumpen-zuschuss-altbau",
    language: "de",
    visible: true,
    published: "2025-03-14T08:30:00.000Z",
    tags: ["Energie", "Wohnen", "Förderung, kommunal"],
    warnings: [],
  },
  "106_bahnstreik-ohne-autor.txt": {
    authors: [],
    link: "https://www.nachrichten.example.de/verkehr/lokfuehrer-streik-donnerstag",
    language: "de",
    visible: true,
    warnings: ["no author signature"],
    absent: ["Werbung", "Anzeige"],
  },
  "107_ohne-quelle.txt": {
    authors: ["Sabine Krüger"],
    link: null,
    language: "de",
    visible: true,
    warnings: ["no source line: the item will link to its own page"],
    absent: ['class="source"', "Kommentar ("],
  },
  "108_hostile-markup.txt": {
    authors: ["Priya Nair"],
    link: "https://www.securityweekly.example.com/2025/06/forum-plugin-xss?utm_source=rss&utm_medium=feed&x=%3Cy%3E",
    language: "en",
    visible: true,
    warnings: [],
    contains: ["&lt;script&gt;", "&lt;img src=x onerror=", "]]&gt;", "&amp; urged"],
    absentHtml: ["<script", "<img", "]]>"],
  },
  "109_haushalt-crlf-bom.txt": {
    title: "Der Stadtrat hat am Mittwochabend den Haushalt für 2026 beschlossen",
    authors: ["Markus Lehmann"],
    link: "https://www.stadtanzeiger.example.de/politik/haushalt-2026-beschlossen",
    language: "de",
    visible: true,
    warnings: [],
    contains: ["<p>Der Stadtrat hat", "Die Kämmerin verwies"],
    absent: ["\r", "\uFEFF", "  "],
  },
  "110_wichtige-aenderungen.txt": {
    authors: ["Lena Vogel"],
    link: "https://www.stadtanzeiger.example.de/wohnen/heizkosten-neue-regeln",
    language: "de",
    visible: true,
    warnings: [],
    contains: ["<p>WICHTIGE ÄNDERUNGEN</p>", "(§ 12 Abs. 3).</p>", "Sprechstunde an. Eine Anmeldung"],
  },
  "111_embargo-quartalszahlen.md": {
    title: "Quartalszahlen der Hafengesellschaft",
    authors: ["Redaktion Wirtschaft"],
    link: "https://www.hafen.example.de/presse/quartalszahlen",
    language: "de",
    visible: false,
    published: "2099-01-01T06:00:00.000Z",
    tags: ["Wirtschaft", "Hafen"],
  },
  "112_draft-city-council.md": {
    title: "Draft: council vote on the new tram line",
    authors: ["Tom Fischer"],
    link: null,
    language: "en",
    visible: false,
  },
  "113_lisboa-habitacao.md": {
    authors: ["Rita Sousa"],
    link: "https://www.publico.example.pt/2024/11/02/local/lisboa-renda-acessivel",
    language: "pt",
    visible: true,
    published: "2024-11-02T10:15:00.000Z",
    tags: ["Habitação", "Lisboa"],
    contains: ['<p class="source">Fonte: <a '],
    absent: ["Anúncio", "Comentários"],
  },
};

const files = readdirSync(DIR).filter((f) => f.endsWith(".txt") || f.endsWith(".md")).filter((f) => f !== "README.md").sort();

describe("articles/", () => {
  it("has an expectation for every sample file and a file for every expectation", () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it("contains the seed byte for byte", () => {
    const seed = readFileSync(new URL("../../../articles/000_6851536369dabcad.txt", import.meta.url), "utf8");
    expect(seed.endsWith("Kommentar (0)")).toBe(true);
  });

  const ids = new Set<string>();
  for (const file of files) {
    it(`parses ${file} as expected`, () => {
      const expected = EXPECTED[file];
      if (expected === undefined) throw new Error(`no expectation for ${file}`);
      const result = parseArticle(
        { key: `articles/${file}`, body: readFileSync(`${DIR}${file}`), lastModified: LAST_MODIFIED },
        { defaultLanguage: "en" },
      );
      if (!result.ok) throw new Error(`${file} was skipped: ${result.reason}`);
      const a: Article = result.article;

      expect(ids.has(a.id), `duplicate id ${a.id}`).toBe(false);
      ids.add(a.id);
      if (expected.title instanceof RegExp) expect(a.title).toMatch(expected.title);
      else if (expected.title !== undefined) expect(a.title).toBe(expected.title);
      expect(a.title.length).toBeLessThanOrEqual(110);
      expect(a.authors).toEqual(expected.authors);
      expect(a.sourceUrl).toBe(expected.link);
      expect(a.language).toBe(expected.language);
      expect(isVisible(a, NOW)).toBe(expected.visible);
      if (expected.published !== undefined) expect(a.published).toBe(expected.published);
      if (expected.tags !== undefined) expect(a.tags).toEqual(expected.tags);
      if (expected.warnings !== undefined) expect(result.warnings).toEqual(expected.warnings);
      for (const s of expected.contains ?? []) expect(a.contentHtml).toContain(s);
      for (const s of expected.absentHtml ?? []) expect(a.contentHtml).not.toContain(s);
      for (const s of expected.absent ?? []) {
        expect(a.contentHtml).not.toContain(s);
        expect(a.summary).not.toContain(s);
      }

      // Rules that hold for every file.
      for (const text of [a.contentHtml, a.summary, a.title]) {
        expect(text).not.toMatch(/\[[^\]]+_\d+\]/);
        expect(isXmlSafe(text)).toBe(true);
        expect(text).not.toMatch(/ {2}/);
      }
      expect(a.contentHtml).not.toContain("<p></p>");
      expect(a.title).not.toContain(file);
      expect(a.summary.length).toBeLessThanOrEqual(300);
    });
  }
});
