import { describe, expect, it } from "vitest";
import { decodeBase64, joined } from "./growingVideo";

describe("a preview's bytes", () => {
  it("decode from base64 byte for byte, high bytes included", () => {
    const bytes = Uint8Array.from([0, 1, 127, 128, 200, 255]);
    const text = btoa(String.fromCharCode(...bytes));
    expect([...decodeBase64(text)]).toEqual([...bytes]);
    expect(decodeBase64("").length).toBe(0);
  });

  it("join in order into one append", () => {
    const all = joined([Uint8Array.from([1, 2]), Uint8Array.from([]), Uint8Array.from([3])]);
    expect([...all]).toEqual([1, 2, 3]);
    const one = Uint8Array.from([9]);
    expect(joined([one])).toBe(one);
  });
});
