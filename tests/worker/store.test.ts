import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config";
import { createS3Store } from "../../src/store/s3";
import { testEnv } from "../support/env";

describe("S3 store inside workerd", () => {
  it("lists and reads the sample articles from the local S3 server", async () => {
    const config = loadConfig(testEnv("broken"), "https://news.example.com/rss.xml");
    const store = createS3Store(config.s3);
    const listing = await store.list("");
    expect(listing.map((o) => o.key)).toContain("good.txt");
    const good = await store.get("good.txt");
    expect(new TextDecoder().decode(good?.body)).toContain("Hamburg");
    expect(await store.get("missing.txt")).toBeNull();
  });
});
