/** The Worker entry point: one isolate, one application (see `worker.ts`). */
import { createWorker } from "./worker";

export default createWorker();
