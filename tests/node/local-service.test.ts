/**
 * The quick start as a person uses it: `npm start`'s script brings up the
 * local S3 server and the Worker, the pages render in a real headless
 * Chromium (screenshots land in test-artifacts/), and Ctrl-C leaves nothing
 * running.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) => existsSync(path));
const ARTIFACTS = join(process.cwd(), "test-artifacts");

/** A free loopback port. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Waits until the script says it is ready (it prints that once the Worker answers). */
async function waitUntilReady(child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output()}`);
    if (output().includes("Press Ctrl-C to stop.")) return;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`the local service did not come up in time:\n${output()}`);
}

/** Headless Chromium with the flags this sandboxed, offline machine needs. */
function chromium(args: string[], profile: string): string {
  const result = spawnSync(
    CHROMIUM ?? "chromium",
    ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", `--user-data-dir=${profile}`, ...args],
    { encoding: "utf8", timeout: 60_000 },
  );
  if (result.status !== 0) throw new Error(`chromium failed: ${result.stderr}`);
  return result.stdout;
}

// Chromium comes from Debian's packages (.ci/run installs it); a developer machine without it skips these tests.
describe.skipIf(!CHROMIUM && !process.env.CI)("the local service in a browser", () => {
  let child: ChildProcess;
  let base: string;
  let output = "";
  let profile: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    profile = await mkdtemp(join(tmpdir(), "feed-worker-chromium-"));
    child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/dev.ts"], {
      env: { ...process.env, PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await waitUntilReady(child, () => output);
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    if (child.exitCode === null) child.kill("SIGINT");
    await rm(profile, { recursive: true, force: true });
  });

  it("prints the feed URLs once it is up", () => {
    for (const path of ["/rss.xml", "/atom.xml", "/feed.json"]) expect(output).toContain(`${base}${path}`);
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

  it("shows a feed opened in the browser as a readable page with a subscribe hint (XSLT)", () => {
    for (const feed of ["rss.xml", "atom.xml"]) {
      const dom = chromium(["--dump-dom", `${base}/${feed}`], profile);
      expect(dom, feed).toContain("This is a web feed.");
      expect(dom, feed).toContain("The Harbour Bridge reopened to traffic");
    }
    chromium([`--screenshot=${join(ARTIFACTS, "feed.png")}`, "--window-size=1200,1200", `${base}/rss.xml`], profile);
  });

  it("stops everything on Ctrl-C", async () => {
    const exited = new Promise<number | null>((done) => child.once("exit", done));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    await expect(fetch(`${base}/rss.xml`)).rejects.toThrow();
  });
});
