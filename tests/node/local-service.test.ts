/**
 * The quick start as a person uses it: `npm start`'s script brings up the
 * local S3 server and the Worker, the pages render in a real headless
 * Chromium (screenshots land in test-artifacts/), and Ctrl-C leaves nothing
 * running.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { get as httpGet } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from "feedsmith";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalService, startLocalService } from "../support/local-service";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) => existsSync(path));
const ARTIFACTS = join(process.cwd(), "test-artifacts");

/**
 * GET over a connection of its own: the local dev server closes idle
 * keep-alive connections, and a pooled client (fetch) may pick one just then.
 */
function getText(url: string, accept: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { agent: false, headers: { Accept: accept } }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: HTTP ${response.statusCode}`))));
    });
    request.on("error", reject);
  });
}

/** Text as the browser's HTML serializer writes a text node (HTML §13.3: `&`, `<`, `>` and no-break space escaped). */
function asSerializedText(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\u00a0/g, "&nbsp;");
}

/** Headless Chromium with the flags this sandboxed, offline machine needs. */
function chromium(args: string[], profile: string): string {
  const result = spawnSync(
    CHROMIUM ?? "chromium",
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      ...args,
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
  if (result.status !== 0) throw new Error(`chromium failed: ${result.stderr}`);
  return result.stdout;
}

// Chromium comes from Debian's packages (.ci/run installs it); a developer machine without it skips these tests.
describe.skipIf(!CHROMIUM && !process.env.CI)("the local service in a browser", () => {
  let service: LocalService;
  let base: string;
  let profile: string;
  const output = () => service.output();

  beforeAll(async () => {
    profile = await mkdtemp(join(tmpdir(), "feed-worker-chromium-"));
    service = await startLocalService();
    base = service.base;
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await service?.stop();
    await rm(profile, { recursive: true, force: true });
  });

  it("prints the feed URLs once it is up", () => {
    for (const path of ["/rss.xml", "/atom.xml", "/feed.json"]) expect(output()).toContain(`${base}${path}`);
  });

  it("renders the home page with the latest articles and the feed links", () => {
    const dom = chromium(["--dump-dom", `${base}/`], profile);
    expect(dom).toContain('type="application/rss+xml"');
    expect(dom).toContain("Stunden bevor der russische Präsident");
    expect(dom).not.toContain("<script>alert");
    const screenshot = join(ARTIFACTS, "home.png");
    chromium([`--screenshot=${screenshot}`, "--window-size=1200,1600", `${base}/`], profile);
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
  });

  it("renders an article page with its attribution", () => {
    const dom = chromium(["--dump-dom", `${base}/articles/102_ha-noi-mo-rong-tuyen-buyt-dien`], profile);
    expect(dom).toContain("Thanh Hằng");
    expect(dom).toContain("sggp.org.vn");
    const screenshot = join(ARTIFACTS, "article.png");
    chromium([`--screenshot=${screenshot}`, "--window-size=1200,1600", `${base}/articles/102_ha-noi-mo-rong-tuyen-buyt-dien`], profile);
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
  });

  it("renders an article with a lead image, its alt text and link-preview metadata", () => {
    const path = "/articles/114_solar-ferry-harbour";
    const dom = chromium(["--dump-dom", `${base}${path}`], profile);
    expect(dom).toContain(`alt="The electric ferry Marlin at the Circular Quay pier, its roof covered in solar panels"`);
    expect(dom).toContain(`<meta property="og:image"`);
    expect(dom).toContain(`<script type="application/ld+json">`);
    const screenshot = join(ARTIFACTS, "article-image.png");
    chromium([`--screenshot=${screenshot}`, "--window-size=1200,1400", `${base}${path}`], profile);
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
  });

  it.each([
    ["/rss.xml", "feed-rss.png", "RSS"],
    ["/atom.xml", "feed-atom.png", "Atom"],
    ["/feed.json", "feed-json.png", "JSON Feed"],
    ["/tags/energie/atom.xml", "feed-topic.png", "Atom"],
    ["/archive/2025-12/rss.xml", "feed-archive.png", "RSS"],
  ])("shows %s in the browser as a readable HTML page of the feed's items, with no XSLT in play", async (path, file, label) => {
    // What a feed reader gets at the same URL: the feed, naming no stylesheet.
    const feedText = await getText(`${base}${path}`, "*/*");
    expect(feedText).not.toContain("xml-stylesheet");
    const titles = path.endsWith(".json")
      ? (parseJsonFeed(feedText).items ?? []).map((item) => item.title ?? "")
      : path.startsWith("/tags/") || path.includes("atom")
        ? (parseAtomFeed(feedText).entries ?? []).map((entry) => (typeof entry.title === "string" ? entry.title : (entry.title?.value ?? "")))
        : (parseRssFeed(feedText).items ?? []).map((item) => item.title ?? "");
    expect(titles.length).toBeGreaterThan(0);

    const dom = chromium(["--dump-dom", `${base}${path}`], profile);
    // An HTML document rendered by the server (a transformed XML document would start with the feed's root).
    expect(dom).toMatch(/^<!DOCTYPE html>\s*<html lang="en"><head>/);
    expect(dom).toContain(`This is a web feed (${label})`);
    expect(dom).toContain(`<code class="feed-url">${base}${path}</code>`);
    expect(dom.match(/<a class="title"/g) ?? []).toHaveLength(titles.length);
    for (const title of titles) expect(dom).toContain(asSerializedText(title));
    expect(dom).toMatch(/<time datetime="\d{4}-\d{2}-\d{2}T[^"]+">/);

    const screenshot = join(ARTIFACTS, file);
    chromium([`--screenshot=${screenshot}`, "--window-size=1200,1400", `${base}${path}`], profile);
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
  });

  it("lays the home page out for a phone with the topic feeds one tap away", () => {
    const screenshot = join(ARTIFACTS, "home-narrow.png");
    chromium([`--screenshot=${screenshot}`, "--window-size=420,1000", `${base}/`], profile);
    expect(statSync(screenshot).size).toBeGreaterThan(20_000);
  });

  it("stops everything on Ctrl-C", async () => {
    const { child } = service;
    const exited = new Promise<number | null>((done) => child.once("exit", done));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    await expect(fetch(`${base}/rss.xml`)).rejects.toThrow();
  });
});
