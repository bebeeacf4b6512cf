/**
 * Partner tokens: only their SHA-256 is stored, and a presented token is
 * matched by hashing it and comparing hashes in constant time against every
 * partner, so neither the comparison nor the number of comparisons says how
 * close a guess came or which partner it was near.
 */
import type { Partner } from "./definition";

/**
 * What a token may look like: RFC 6750 §2.1 `b64token` characters (which
 * include base64url, the alphabet `npm run partners` uses), at least 16 of
 * them. Anything else cannot be a token and is refused before hashing.
 */
const TOKEN_SYNTAX = /^[A-Za-z0-9._~+/-]{16,256}=*$/;

/** True when `token` has the syntax of a token (it says nothing about whether one is valid). */
export function isTokenSyntax(token: string): boolean {
  return TOKEN_SYNTAX.test(token);
}

/** Lower-case hex SHA-256 of the UTF-8 bytes of `text` (WebCrypto: the Workers runtime and Node alike). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Compares two strings of equal length in time that depends only on their
 * length: every character is visited, differences are OR-ed together, and
 * nothing branches on their values. (Workers' `crypto.subtle.timingSafeEqual`
 * is not in Node, where the same code runs for the command line.)
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/**
 * The partner whose token is `token`, or null. The hash is compared with
 * every partner's, without stopping at a match.
 */
export async function findPartnerByToken(partners: readonly Partner[], token: string): Promise<Partner | null> {
  if (!isTokenSyntax(token)) return null;
  const hash = await sha256Hex(token);
  let found: Partner | null = null;
  for (const partner of partners) {
    const equal = constantTimeEqual(hash, partner.tokenSha256);
    if (equal && found === null) found = partner;
  }
  return found;
}
