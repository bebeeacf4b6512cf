import { describe, expect, it } from "vitest";
import { ConfigError, type Env, loadConfig, loadStoreSettings, s3Settings } from "../../src/config";
import type { R2BucketBinding } from "../../src/store/r2";

const minimal: Env = { S3_BUCKET: "news", S3_ACCESS_KEY_ID: "id", S3_SECRET_ACCESS_KEY: "secret" };

/** Something with the calls of an R2 binding, for the choice of store only: nothing here calls it. */
const binding: R2BucketBinding = {
  get: () => Promise.reject(new Error("not called")),
  put: () => Promise.reject(new Error("not called")),
  list: () => Promise.reject(new Error("not called")),
  delete: () => Promise.reject(new Error("not called")),
};

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig({ ...minimal, SITE_URL: "https://feeds.example.com" }, "https://feeds.example.com/rss.xml?limit=3");
    expect(config.feed).toEqual({
      title: "News feed",
      description: "The latest articles",
      author: "News feed",
      language: "en",
      siteUrl: "https://feeds.example.com",
      limit: 50,
      guidAuthority: "feeds.example.com",
    });
    expect(config.s3).toMatchObject({ endpoint: "", region: "auto", bucket: "news", forcePathStyle: false });
    expect(config.prefix).toBe("");
    expect(config.indexTtlSeconds).toBe(60);
    expect(config.cacheMaxAgeSeconds).toBe(300);
    expect(config.adminToken).toBe("");
  });

  it("uses path-style URLs with a custom endpoint unless told otherwise", () => {
    expect(loadConfig({ ...minimal, S3_ENDPOINT: "http://127.0.0.1:9000" }, "http://127.0.0.1:8787/").s3?.forcePathStyle).toBe(true);
    expect(loadConfig({ ...minimal, S3_ENDPOINT: "http://127.0.0.1:9000", S3_FORCE_PATH_STYLE: "false" }, "http://127.0.0.1:8787/").s3?.forcePathStyle).toBe(
      false,
    );
  });

  it("takes SITE_URL over the request's origin and names the feed author after the title by default", () => {
    const config = loadConfig({ ...minimal, SITE_URL: "https://news.example.org/", FEED_TITLE: "Stadtnachrichten" }, "http://127.0.0.1:8787/");
    expect(config.feed.siteUrl).toBe("https://news.example.org");
    expect(config.feed.guidAuthority).toBe("news.example.org");
    expect(config.feed.author).toBe("Stadtnachrichten");
  });

  it("lets only a loopback origin stand in for an unset SITE_URL, so GUIDs never follow the Host header", () => {
    expect(loadConfig(minimal, "http://127.0.0.1:8787/rss.xml").feed.siteUrl).toBe("http://127.0.0.1:8787");
    expect(loadConfig(minimal, "http://localhost:8787/").feed.guidAuthority).toBe("localhost");
    expect(loadConfig(minimal, "http://[::1]:8787/").feed.siteUrl).toBe("http://[::1]:8787");
    for (const url of ["https://feed-worker.example.workers.dev/rss.xml", "http://evil.example/"]) {
      const attempt = () => loadConfig(minimal, url);
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/SITE_URL/);
      expect(attempt).not.toThrow(/evil|workers\.dev/);
    }
  });

  it("reads the store settings without any request", () => {
    expect(loadStoreSettings({ ...minimal, S3_PREFIX: "news", FEED_LANGUAGE: "de" })).toMatchObject({
      prefix: "news/",
      defaultLanguage: "de",
      indexTtlSeconds: 60,
    });
  });

  it.each([
    ["news", "news/"],
    ["news/", "news/"],
    ["/news", "news/"],
    ["", ""],
  ])("reads the prefix %j as the folder %j", (prefix, folder) => {
    expect(loadConfig({ ...minimal, S3_PREFIX: prefix }, "http://127.0.0.1:8787/").prefix).toBe(folder);
  });

  it.each<[Partial<Env>, RegExp]>([
    [{ S3_BUCKET: "" }, /S3_BUCKET/],
    [{ S3_SECRET_ACCESS_KEY: "" }, /S3_SECRET_ACCESS_KEY/],
    [{ S3_ENDPOINT: "ftp://files.example" }, /S3_ENDPOINT/],
    [{ SITE_URL: "news.example.com" }, /SITE_URL/],
    [{ FEED_LIMIT: "500" }, /FEED_LIMIT/],
    [{ INDEX_TTL: "-1" }, /INDEX_TTL/],
    [{ S3_FORCE_PATH_STYLE: "yes" }, /S3_FORCE_PATH_STYLE/],
    [{ WEBSUB_HUBS: "https://hub.example, ftp://hub.example" }, /WEBSUB_HUBS/],
    [{ WEBSUB_HUBS: "hub.example" }, /WEBSUB_HUBS/],
    [{ WEBSUB_HUBS: "https://a.example,https://b.example,https://c.example,https://d.example,https://e.example,https://f.example" }, /WEBSUB_HUBS/],
    [{ TOMBSTONE_DAYS: "thirty" }, /TOMBSTONE_DAYS/],
  ])("refuses %j with a message naming the variable, never its value", (override, name) => {
    const attempt = () => loadConfig({ ...minimal, ...override }, "http://127.0.0.1:8787/");
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(name);
    expect(attempt).not.toThrow(/secret|500|ftp/);
  });

  it("reads WEBSUB_HUBS as normalised http(s) URLs without repeats, and TOMBSTONE_DAYS (default 30)", () => {
    const config = loadStoreSettings({
      ...minimal,
      WEBSUB_HUBS: " https://HUB.example.com , http://127.0.0.1:9/hub,https://hub.example.com/",
      TOMBSTONE_DAYS: "7",
    });
    expect(config.websubHubs).toEqual(["https://hub.example.com/", "http://127.0.0.1:9/hub"]);
    expect(config.tombstoneDays).toBe(7);
    expect(loadStoreSettings(minimal)).toMatchObject({ websubHubs: [], tombstoneDays: 30 });
  });
});

describe("the choice of store", () => {
  it("takes the R2 binding ARTICLES_BUCKET when it is bound, with no S3_* setting needed and S3_PREFIX applied", () => {
    const settings = loadStoreSettings({ ARTICLES_BUCKET: binding, S3_PREFIX: "news" });
    expect(settings.r2).toBe(binding);
    expect(settings.s3).toBeUndefined();
    expect(settings.prefix).toBe("news/");
    expect(loadConfig({ ARTICLES_BUCKET: binding, SITE_URL: "https://news.example.com" }, "https://news.example.com/").r2).toBe(binding);
  });

  it("prefers the binding to S3 settings that are set as well", () => {
    const settings = loadStoreSettings({ ...minimal, S3_ENDPOINT: "https://account.r2.cloudflarestorage.com", ARTICLES_BUCKET: binding });
    expect(settings.r2).toBe(binding);
    expect(settings.s3).toBeUndefined();
    expect(() => s3Settings(settings)).toThrow(ConfigError);
  });

  it("reads the S3 settings as before when nothing is bound", () => {
    const settings = loadStoreSettings({ ...minimal, ARTICLES_BUCKET: undefined });
    expect(settings.r2).toBeUndefined();
    expect(s3Settings(settings)).toMatchObject({ bucket: "news", accessKeyId: "id" });
    expect(() => loadStoreSettings({})).toThrow(/S3_BUCKET/);
  });

  it("refuses a variable named ARTICLES_BUCKET: only a binding can be the bucket", () => {
    const env = { ...minimal, ARTICLES_BUCKET: "articles" } as unknown as Env;
    expect(() => loadStoreSettings(env)).toThrow(ConfigError);
    expect(() => loadStoreSettings(env)).toThrow(/ARTICLES_BUCKET.*binding/);
  });
});
