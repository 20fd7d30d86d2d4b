import { describe, expect, it } from "vitest";
import { CELL, rememberThumbSize, rememberedThumbSize } from "./thumbSize";

describe("the thumbnail size", () => {
  it("is remembered, and anything else stored reads as medium", () => {
    const kept = new Map<string, string>();
    const store = { getItem: (k: string) => kept.get(k) ?? null, setItem: (k: string, v: string) => void kept.set(k, v) };
    expect(rememberedThumbSize(store)).toBe("medium");
    rememberThumbSize("large", store);
    expect(rememberedThumbSize(store)).toBe("large");
    kept.set("chorus.thumbSize", "enormous");
    expect(rememberedThumbSize(store)).toBe("medium");
  });

  it("grows from small to large", () => {
    expect(CELL.small.width).toBeLessThan(CELL.medium.width);
    expect(CELL.medium.width).toBeLessThan(CELL.large.width);
  });
});
