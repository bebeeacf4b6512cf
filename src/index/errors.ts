/** The error of an index object that cannot be used (shared by readers and the change path). */
import { StoreError } from "../store/store";

/**
 * An index object exists but cannot be used (garbage, truncated, of another
 * index version, holding another key's content), or is missing although the
 * index refers to it. A `StoreError`, because for a request it is the same
 * as a store failure (serve the last good copy or a 503), never a 404: the
 * thing asked for exists, only its copy is bad. A run without a budget
 * repairs it by rebuilding the index in place; a bounded run fails with it,
 * and its caller schedules that rebuild.
 */
export class UnreadableIndexError extends StoreError {
  constructor(
    key: string,
    readonly reason: string,
  ) {
    super("get", key);
    this.name = "UnreadableIndexError";
    this.message = `index object "${key}" is unreadable: ${reason}`;
  }
}
