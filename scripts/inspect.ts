/**
 * Show what the article parser makes of raw article files.
 *
 *   npm run inspect -- articles/000_6851536369dabcad.txt [more files...] [--lang de]
 *
 * Prints one pretty JSON object per file (id, title, authors, link, language,
 * dates, tags, summary, contentHtml, warnings, skipped). The file's mtime
 * stands in for the object's last-modified time; `--lang` sets the feed's
 * default language (default "en"). Exits 1 when a file cannot be read, 2 on
 * bad usage; a skipped article is a result, not an error.
 */

import { readFileSync, statSync } from "node:fs";
import { relative, sep } from "node:path";
import { parseArticle } from "../src/article/parse";

const USAGE = "usage: npm run inspect -- [--lang xx] <file>...";

function main(argv: readonly string[]): number {
  let defaultLanguage = "en";
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--lang") {
      const value = argv[++i];
      if (value === undefined || value.startsWith("-")) {
        console.error(`inspect: --lang needs a language tag\n${USAGE}`);
        return 2;
      }
      defaultLanguage = value;
    } else if (arg.startsWith("--lang=")) {
      defaultLanguage = arg.slice("--lang=".length);
    } else if (arg === "-h" || arg === "--help") {
      console.log(USAGE);
      return 0;
    } else {
      files.push(arg);
    }
  }
  if (files.length === 0) {
    console.error(USAGE);
    return 2;
  }

  let failed = 0;
  for (const file of files) {
    let body: Uint8Array;
    let lastModified: Date;
    try {
      body = readFileSync(file);
      lastModified = statSync(file).mtime;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : String((error as Error).message);
      console.error(`inspect: cannot read ${file}: ${why}`);
      failed++;
      continue;
    }
    // The store's keys use forward slashes relative to the bucket root; mimic that.
    const key = relative(process.cwd(), file).split(sep).join("/");
    const result = parseArticle({ key, body, lastModified }, { defaultLanguage });
    const output = result.ok
      ? {
          file,
          id: result.article.id,
          title: result.article.title,
          authors: result.article.authors,
          link: result.article.sourceUrl,
          language: result.article.language,
          published: result.article.published,
          updated: result.article.updated,
          tags: result.article.tags,
          image: result.article.image,
          imageAlt: result.article.imageAlt,
          draft: result.article.draft,
          withdrawn: result.article.withdrawn,
          correction: result.article.correction,
          summary: result.article.summary,
          contentHtml: result.article.contentHtml,
          warnings: result.warnings,
          skipped: null,
        }
      : { file, id: null, skipped: result.reason };
    console.log(JSON.stringify(output, null, 2));
  }
  return failed > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
