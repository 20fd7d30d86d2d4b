import { describe, expect, it } from "vitest";
import { NONE, clickKind, extend, rangeBounds, single, targets, toggle } from "./selection";

const ids = (s: { ids: ReadonlySet<number> }) => [...s.ids].sort((a, b) => a - b);

describe("clickKind", () => {
  it("reads the modifiers like a file manager", () => {
    expect(clickKind({ shiftKey: false, ctrlKey: false, metaKey: false })).toBe("single");
    expect(clickKind({ shiftKey: false, ctrlKey: true, metaKey: false })).toBe("toggle");
    expect(clickKind({ shiftKey: false, ctrlKey: false, metaKey: true })).toBe("toggle");
    expect(clickKind({ shiftKey: true, ctrlKey: false, metaKey: false })).toBe("range");
    expect(clickKind({ shiftKey: true, ctrlKey: true, metaKey: false })).toBe("addRange");
  });
});

describe("selection", () => {
  it("a plain click selects only that asset and sets the anchor", () => {
    const s = single(4, 104);
    expect(ids(s)).toEqual([104]);
    expect(s.anchor).toBe(4);
  });

  it("Ctrl-click adds and removes one asset", () => {
    let s = single(1, 101);
    s = toggle(s, 5, 105);
    expect(ids(s)).toEqual([101, 105]);
    s = toggle(s, 1, 101);
    expect(ids(s)).toEqual([105]);
    expect(s.anchor).toBe(1);
  });

  it("Shift-click selects from the anchor, in either direction", () => {
    const s = single(6, 106);
    expect(rangeBounds(s, 9)).toEqual([6, 9]);
    expect(rangeBounds(s, 2)).toEqual([2, 6]);
    const r = extend(s, 9, [106, 107, 108, 109], false);
    expect(ids(r)).toEqual([106, 107, 108, 109]);
    expect(r.anchor).toBe(6);
  });

  it("a second Shift-click replaces the range, keeping the anchor", () => {
    const s = extend(single(6, 106), 9, [106, 107, 108, 109], false);
    const r = extend(s, 4, [104, 105, 106], false);
    expect(ids(r)).toEqual([104, 105, 106]);
  });

  it("Ctrl+Shift-click adds the range to what was selected", () => {
    const s = toggle(single(0, 100), 20, 120);
    const r = extend(s, 22, [120, 121, 122], true);
    expect(ids(r)).toEqual([100, 120, 121, 122]);
  });

  it("a range with no anchor starts where it was clicked", () => {
    expect(rangeBounds(NONE, 3)).toEqual([3, 3]);
    expect(extend(NONE, 3, [103], false).anchor).toBe(3);
  });
});

describe("targets", () => {
  it("acts on the selection when there is one", () => {
    expect(targets(toggle(single(0, 9), 1, 3), 42)).toEqual([3, 9]);
  });

  it("falls back to the focused asset, or nothing", () => {
    expect(targets(NONE, 42)).toEqual([42]);
    expect(targets(NONE, undefined)).toEqual([]);
  });
});
