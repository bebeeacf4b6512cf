/**
 * Starts `npm start` (scripts/dev.ts) for a Node-side test on a free loopback
 * port and stops it again. The port is picked by binding port 0 and releasing
 * it, so another process may take it before workerd binds it: a start that
 * fails with "Address already in use" is tried again on a new port.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { freePort } from "../../scripts/lib/bench/workerd";

/** A running local service. */
export interface LocalService {
  /** `http://127.0.0.1:<port>` */
  base: string;
  child: ChildProcess;
  /** Everything the service printed so far. */
  output(): string;
  /** Stops it with Ctrl-C (SIGINT) and waits for it to exit. */
  stop(): Promise<void>;
}

const ATTEMPTS = 3;
const READY_TIMEOUT_MS = 90_000;

/** Starts the local service with `env` added to this process's environment. */
export async function startLocalService(env: Record<string, string> = {}): Promise<LocalService> {
  let lastOutput = "";
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const port = await freePort();
    const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/dev.ts"], {
      env: { ...process.env, ...env, PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const service: LocalService = {
      base: `http://127.0.0.1:${port}`,
      child,
      output: () => output,
      async stop() {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((done) => child.once("exit", done));
        child.kill("SIGINT");
        await exited;
      },
    };
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!output.includes("Press Ctrl-C to stop.")) {
      if (child.exitCode !== null) break;
      if (Date.now() > deadline) {
        await service.stop();
        throw new Error(`the local service did not come up in time:\n${output}`);
      }
      await new Promise((done) => setTimeout(done, 200));
    }
    if (output.includes("Press Ctrl-C to stop.")) return service;
    await service.stop();
    lastOutput = output;
    if (!/Address already in use/.test(output)) break;
  }
  throw new Error(`npm start exited early:\n${lastOutput}`);
}
