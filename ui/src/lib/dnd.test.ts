import { describe, expect, it } from "vitest";
import { asset } from "../testing/fixtures";
import { carriesAsset, carriesCard, putAsset, putCard, takeAsset, takeCard, type Transfer } from "./dnd";

function transfer(): Transfer & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get types() {
      return [...data.keys()];
    },
    getData: (t) => data.get(t) ?? "",
    setData: (t, v) => void data.set(t, v),
  };
}

describe("what a drag carries", () => {
  it("a storyboard card, by index", () => {
    const t = transfer();
    putCard(t, 3);
    expect(carriesCard(t)).toBe(true);
    expect(carriesAsset(t)).toBe(false);
    expect(takeCard(t)).toBe(3);
  });

  it("an asset from the picker, whole", () => {
    const t = transfer();
    const a = asset(12, { kind: "clip", duration_ms: 8000 });
    putAsset(t, a);
    expect(carriesAsset(t)).toBe(true);
    expect(takeAsset(t)).toEqual(a);
  });

  it("nothing it does not recognise", () => {
    const t = transfer();
    t.setData("text/plain", "hello");
    expect(carriesCard(t)).toBe(false);
    expect(carriesAsset(t)).toBe(false);
    expect(carriesCard(null)).toBe(false);
    expect(takeCard(t)).toBeNull();
    t.setData("application/x-chorus-asset", "{not json");
    expect(takeAsset(t)).toBeNull();
    t.setData("application/x-chorus-asset", JSON.stringify({ id: 1, hash: "x", kind: "pdf" }));
    expect(takeAsset(t)).toBeNull();
  });
});
