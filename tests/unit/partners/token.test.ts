import { describe, expect, it } from "vitest";
import type { Partner } from "../../../src/partners/definition";
import { constantTimeEqual, findPartnerByToken, isTokenSyntax, sha256Hex } from "../../../src/partners/token";

function partner(id: string, tokenSha256: string): Partner {
  return { id, name: id, tokenSha256, content: "full", delayMinutes: 0, topics: null, attribution: null, origins: null, requestsPerMinute: null };
}

describe("partner tokens", () => {
  it("hash to lower-case hex SHA-256 (FIPS 180-4 test value)", async () => {
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("compare equal strings as equal and anything else as different", () => {
    expect(constantTimeEqual("abcd", "abcd")).toBe(true);
    expect(constantTimeEqual("abcd", "abce")).toBe(false);
    expect(constantTimeEqual("abcd", "abc")).toBe(false);
  });

  it("find the partner whose hash matches, and nobody for a wrong or malformed token", async () => {
    const tokenA = "A".repeat(43);
    const tokenB = "b-_".repeat(15);
    const partners = [partner("a", await sha256Hex(tokenA)), partner("b", await sha256Hex(tokenB))];
    expect((await findPartnerByToken(partners, tokenA))?.id).toBe("a");
    expect((await findPartnerByToken(partners, tokenB))?.id).toBe("b");
    expect(await findPartnerByToken(partners, "C".repeat(43))).toBeNull();
    expect(await findPartnerByToken(partners, "short")).toBeNull();
    expect(await findPartnerByToken([], tokenA)).toBeNull();
  });

  it("accept the RFC 6750 b64token alphabet only", () => {
    expect(isTokenSyntax("abcdefghijklmnopqrstuvwxyz0123456789-_")).toBe(true);
    expect(isTokenSyntax("abc.def~ghi+jkl/mno==")).toBe(true);
    expect(isTokenSyntax("with space in the middle")).toBe(false);
    expect(isTokenSyntax("<script>alert(1)</script>")).toBe(false);
  });
});
