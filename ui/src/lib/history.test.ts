import { describe, expect, it } from "vitest";
import { LIMIT, canRedo, canUndo, edit, isDirty, redo, replaced, same, saved, seal, start, undo } from "./history";

interface Doc {
  name: string;
  items: number[];
}

const v1: Doc = { name: "Cut", items: [1, 2, 3] };

describe("dirty tracking", () => {
  it("is clean as loaded, dirty after an edit, clean again when undone", () => {
    let h = start(v1);
    expect(isDirty(h)).toBe(false);
    h = edit(h, { ...v1, items: [2, 1, 3] });
    expect(isDirty(h)).toBe(true);
    h = undo(h);
    expect(isDirty(h)).toBe(false);
    expect(h.present).toBe(v1);
  });

  it("is clean when the edits happen to restore the saved document", () => {
    let h = start(v1);
    h = edit(h, { ...v1, items: [2, 1, 3] });
    h = edit(h, { ...v1, items: [1, 2, 3] });
    expect(isDirty(h)).toBe(false);
    expect(canUndo(h)).toBe(true);
  });

  it("compares documents deeply, whatever the key order", () => {
    expect(same({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(same({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(same({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(same([1], { 0: 1 })).toBe(false);
    expect(same(null, {})).toBe(false);
  });

  it("takes what the engine saved as the new baseline", () => {
    let h = edit(start(v1), { ...v1, name: "Cut 2" });
    const stored = { items: [1, 2, 3], name: "Cut 2" };
    h = saved(h, stored);
    expect(isDirty(h)).toBe(false);
    expect(h.present).toBe(stored);
    // The edit before the save can still be undone, which makes it dirty again.
    h = undo(h);
    expect(h.present).toEqual(v1);
    expect(isDirty(h)).toBe(true);
  });
});

describe("undo and redo", () => {
  it("walks back and forth, and a new edit drops the redo steps", () => {
    let h = start(v1);
    h = edit(h, { ...v1, name: "A" });
    h = edit(h, { ...v1, name: "B" });
    h = undo(h);
    expect(h.present.name).toBe("A");
    expect(canRedo(h)).toBe(true);
    h = redo(h);
    expect(h.present.name).toBe("B");
    h = undo(undo(h));
    expect(h.present.name).toBe("Cut");
    expect(undo(h)).toBe(h);
    h = edit(h, { ...v1, name: "C" });
    expect(canRedo(h)).toBe(false);
    expect(redo(h)).toBe(h);
  });

  it("makes one step of a run of edits in the same group, until sealed", () => {
    let h = start(v1);
    h = edit(h, { ...v1, name: "S" }, "name");
    h = edit(h, { ...v1, name: "Su" }, "name");
    h = edit(h, { ...v1, name: "Sum" }, "name");
    expect(h.past).toHaveLength(1);
    h = seal(h);
    h = edit(h, { ...v1, name: "Summ" }, "name");
    expect(h.past).toHaveLength(2);
    expect(undo(h).present.name).toBe("Sum");
    expect(undo(undo(h)).present.name).toBe("Cut");
  });

  it("ignores an edit that changes nothing", () => {
    const h = start(v1);
    expect(edit(h, { name: "Cut", items: [1, 2, 3] })).toBe(h);
  });

  it("keeps a bounded number of steps", () => {
    let h = start(v1);
    for (let i = 0; i < LIMIT + 20; i++) h = edit(h, { ...v1, name: `n${i}` });
    expect(h.past).toHaveLength(LIMIT);
  });
});

describe("replaced", () => {
  it("starts from a newer stored version when nothing is unsaved", () => {
    const newer = { ...v1, name: "Saved elsewhere" };
    const h = replaced(start(v1), newer);
    expect(h.present).toBe(newer);
    expect(isDirty(h)).toBe(false);
  });

  it("keeps unsaved edits", () => {
    const h = edit(start(v1), { ...v1, name: "Mine" });
    expect(replaced(h, { ...v1, name: "Theirs" })).toBe(h);
  });
});
