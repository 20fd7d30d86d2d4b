import { describe, expect, it } from "vitest";
import { cardAction, gapAt, insert, move, moveBy, moveToGap, remove, selectionAfterRemove } from "./storyboard";

const abc = ["a", "b", "c", "d"];

describe("storyboard order", () => {
  it("moves a card to a new index and leaves the input alone", () => {
    const input = [...abc];
    expect(move(input, 0, 2)).toEqual({ list: ["b", "c", "a", "d"], index: 2 });
    expect(move(input, 3, 0)).toEqual({ list: ["d", "a", "b", "c"], index: 0 });
    expect(input).toEqual(abc);
  });

  it("clamps a move past either end and ignores a card that is not there", () => {
    expect(move(abc, 1, 99)).toEqual({ list: ["a", "c", "d", "b"], index: 3 });
    expect(move(abc, 1, -5)).toEqual({ list: ["b", "a", "c", "d"], index: 0 });
    expect(move(abc, 7, 0)).toEqual({ list: abc, index: 7 });
  });

  it("steps one place with Alt+arrows, and not past the ends", () => {
    expect(moveBy(abc, 1, 1)).toEqual({ list: ["a", "c", "b", "d"], index: 2 });
    expect(moveBy(abc, 1, -1)).toEqual({ list: ["b", "a", "c", "d"], index: 0 });
    expect(moveBy(abc, 0, -1)).toEqual({ list: abc, index: 0 });
    expect(moveBy(abc, 3, 1)).toEqual({ list: abc, index: 3 });
  });

  it("drops a dragged card into the gap it was dropped on", () => {
    // Gap 3 is between c and d: a lands after c.
    expect(moveToGap(abc, 0, 3)).toEqual({ list: ["b", "c", "a", "d"], index: 2 });
    // Gap 0 is before the first card.
    expect(moveToGap(abc, 2, 0)).toEqual({ list: ["c", "a", "b", "d"], index: 0 });
    // Either gap beside a card leaves it where it is.
    expect(moveToGap(abc, 1, 1).list).toEqual(abc);
    expect(moveToGap(abc, 1, 2).list).toEqual(abc);
    // After the last card.
    expect(moveToGap(abc, 0, 4)).toEqual({ list: ["b", "c", "d", "a"], index: 3 });
  });

  it("removes and inserts", () => {
    expect(remove(abc, 1)).toEqual(["a", "c", "d"]);
    expect(remove(abc, 9)).toEqual(abc);
    expect(insert(abc, 2, "x")).toEqual({ list: ["a", "b", "x", "c", "d"], index: 2 });
    expect(insert(abc, 99, "x")).toEqual({ list: ["a", "b", "c", "d", "x"], index: 4 });
    expect(insert([], 0, "x")).toEqual({ list: ["x"], index: 0 });
  });

  it("keeps a sensible card selected after a removal", () => {
    expect(selectionAfterRemove(2, 2, 4)).toBe(2);
    expect(selectionAfterRemove(3, 3, 4)).toBe(2);
    expect(selectionAfterRemove(3, 1, 4)).toBe(2);
    expect(selectionAfterRemove(0, 1, 4)).toBe(0);
    expect(selectionAfterRemove(0, 0, 1)).toBeNull();
    expect(selectionAfterRemove(null, 0, 3)).toBeNull();
  });

  it("reads a drop's gap from where it landed on a card", () => {
    expect(gapAt(2, 10, 120)).toBe(2);
    expect(gapAt(2, 90, 120)).toBe(3);
    expect(gapAt(2, 90, 0)).toBe(2);
  });
});

describe("cardAction", () => {
  it("moves with Alt+arrows, focuses with arrows, removes with Delete", () => {
    expect(cardAction({ key: "ArrowLeft", altKey: true })).toEqual({ type: "move", delta: -1 });
    expect(cardAction({ key: "ArrowRight", altKey: true })).toEqual({ type: "move", delta: 1 });
    expect(cardAction({ key: "ArrowRight" })).toEqual({ type: "focus", delta: 1 });
    expect(cardAction({ key: "Delete" })).toEqual({ type: "remove" });
    expect(cardAction({ key: "Backspace" })).toEqual({ type: "remove" });
  });

  it("leaves other combinations to the browser", () => {
    expect(cardAction({ key: "ArrowLeft", ctrlKey: true, altKey: true })).toBeNull();
    expect(cardAction({ key: "ArrowLeft", shiftKey: true })).toBeNull();
    expect(cardAction({ key: "Delete", altKey: true })).toBeNull();
    expect(cardAction({ key: "a" })).toBeNull();
  });
});
