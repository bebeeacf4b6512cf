/**
 * The sample articles of `articles/` and what each must become: checked by the
 * parser's unit tests and, through the feeds, by the worker tests. Pure data,
 * importable in Node and in workerd. articles/README.md says why each file exists.
 */
/** What one sample file must parse to. */
export interface ExpectedArticle {
  /** The article id when it is not the file name without extension (front matter `id`). */
  id?: string;
  title?: string | RegExp;
  authors: string[];
  link: string | null;
  language: string;
  visible: boolean;
  published?: string;
  /** The last update when it differs from `published` (a correction moves it). */
  updated?: string;
  tags?: string[];
  /** Front matter `correction` and `correction_date`, as the model carries them. */
  correction?: { text: string; date: string | null };
  warnings?: string[];
  contains?: string[];
  absent?: string[];
  /** Raw markup that must not survive into contentHtml (the plain-text summary may quote it; feeds escape it). */
  absentHtml?: string[];
  /** Lead image URL and its alt text (front matter `image`, `image_alt`); none when absent. */
  image?: string;
  imageAlt?: string;
}

/** Every file of `articles/` (by file name) and what it must become. */
export const SAMPLE_ARTICLES: Readonly<Record<string, ExpectedArticle>> = {
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
    updated: "2025-03-15T12:00:00.000Z",
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
    id: "lisboa-habitacao-2024",
    authors: ["Rita Sousa"],
    link: "https://www.publico.example.pt/2024/11/02/local/lisboa-renda-acessivel",
    language: "pt",
    visible: true,
    published: "2024-11-02T10:15:00.000Z",
    tags: ["Habitação", "Lisboa"],
    contains: ['<p class="source">Fonte: <a '],
    absent: ["Anúncio", "Comentários"],
  },
  "114_solar-ferry-harbour.md": {
    title: "Harbour's first solar ferry enters service",
    authors: ["Maya Patel"],
    link: "https://www.harbourtimes.example.com/news/transport/solar-ferry-marlin?ref=rss&utm_source=feed",
    language: "en",
    visible: true,
    published: "2026-11-29T08:00:00.000Z",
    tags: ["Transport", "Climate"],
    warnings: [],
    image: "https://images.harbourtimes.example.com/2026/11/solar-ferry-marlin.jpg?w=1200&h=675",
    imageAlt: "The electric ferry Marlin at the Circular Quay pier, its roof covered in solar panels",
    absent: ["[ad_1]", "Comment (4)", "MAYA PATEL"],
  },
  "115_fischmarkt-autoren.md": {
    title: "Fischmarkt öffnet nach dem Umbau wieder",
    authors: ["Ben Schmidt", "Mira Yilmaz"],
    link: "https://www.hafenblatt.example.de/stadt/fischmarkt-wiedereroeffnung",
    language: "de",
    visible: true,
    published: "2026-09-08T06:45:00.000Z",
    tags: ["Hafen", "Markt"],
    warnings: [],
    absent: ["name:", "url:", "ben-schmidt", "Anzeige", "Kommentar ("],
  },
  "116_library-late-fees.md": {
    title: "City libraries drop late fees for good",
    authors: ["Dana Whitfield"],
    link: "https://www.harbourtimes.example.com/city/libraries-drop-late-fees",
    language: "en",
    visible: true,
    published: "2026-10-06T09:00:00.000Z",
    tags: ["Libraries", "City budget"],
    warnings: [],
    contains: ["<p>The city&#39;s public libraries will no longer charge late fees"],
    absent: ["+++", "title =", "Comments ("],
  },
  "117_water-rates-correction.md": {
    title: "Water rates rise by four percent next year",
    authors: ["Tom Fischer"],
    link: "https://www.harbourtimes.example.com/city/water-rates-2027",
    language: "en",
    visible: true,
    published: "2026-11-03T07:15:00.000Z",
    updated: "2026-11-04T16:00:00.000Z",
    correction: {
      text: "An earlier version of this article gave the increase as fourteen percent. It is four percent.",
      date: "2026-11-04T16:00:00.000Z",
    },
    warnings: [],
    contains: [
      '<p class="correction"><strong>Correction (2026-11-04):</strong> An earlier version of this article gave the increase as fourteen percent. It is four percent.</p>\n<p>Households will pay',
    ],
  },
};

/** The id a sample file's article gets (article format rule 9). */
export function sampleId(file: string): string {
  return SAMPLE_ARTICLES[file]?.id ?? file.replace(/\.[^.]+$/, "");
}
