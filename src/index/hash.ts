/**
 * A small synchronous non-cryptographic string hash.
 *
 * Used for page fingerprints (does this page need rewriting?) and fallback
 * slugs. Synchronous because `crypto.subtle.digest` is async and would turn
 * thousands of tiny hashes per rebuild into promise chains; collisions only
 * matter between the old and new fingerprint of the same page, so 64 bits
 * are plenty.
 */

/** 64-bit hash of `text` (two independent 32-bit FNV-1a style lanes) as 16 hex digits. */
export function hashHex(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  // Final avalanche so that short inputs differing in one character spread over all bits.
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
  h1 = Math.imul(h1 ^ (h1 >>> 13), 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x85ebca6b);
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0");
}
