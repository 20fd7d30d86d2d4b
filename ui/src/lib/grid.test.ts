import { describe, expect, it } from "vitest";
import {
  columnsFor,
  contentHeight,
  moveIndex,
  pagesFor,
  rowColOf,
  rowCount,
  scrollToShow,
  visibleRange,
} from "./grid";

const layout = { columns: 6, rowHeight: 200 };

describe("columnsFor", () => {
  it("fits as many cells as the width allows, gaps between them", () => {
    // Six cells need 6 * 160 + 5 * 8 = 1000px.
    expect(columnsFor(1000, 160, 8)).toBe(6);
    expect(columnsFor(999, 160, 8)).toBe(5);
    expect(columnsFor(160, 160, 8)).toBe(1);
  });

  it("never returns fewer than one column", () => {
    expect(columnsFor(0, 160, 8)).toBe(1);
    expect(columnsFor(50, 160, 8)).toBe(1);
    expect(columnsFor(Number.NaN, 160, 8)).toBe(1);
  });
});

describe("rows and height", () => {
  it("counts a partly filled last row", () => {
    expect(rowCount(0, 6)).toBe(0);
    expect(rowCount(6, 6)).toBe(1);
    expect(rowCount(7, 6)).toBe(2);
  });

  it("sizes the scroll area for all 100,000 assets up front", () => {
    expect(contentHeight(100_000, layout)).toBe(Math.ceil(100_000 / 6) * 200);
  });

  it("maps an index to its row and column", () => {
    expect(rowColOf(0, 6)).toEqual({ row: 0, col: 0 });
    expect(rowColOf(13, 6)).toEqual({ row: 2, col: 1 });
  });
});

describe("visibleRange", () => {
  it("renders the rows in view plus the overscan", () => {
    // 800px shows rows 0..3; overscan 2 adds rows 4 and 5.
    expect(visibleRange(0, 800, 100_000, layout, 2)).toEqual({
      firstRow: 0,
      endRow: 6,
      start: 0,
      end: 36,
    });
  });

  it("keeps only a small window deep in a huge list", () => {
    const r = visibleRange(1_000_000, 800, 100_000, layout, 2);
    expect(r.firstRow).toBe(4998);
    expect(r.endRow).toBe(5000 + 4 + 2);
    expect(r.start).toBe(4998 * 6);
    expect(r.end - r.start).toBeLessThanOrEqual(10 * 6);
  });

  it("stops at the last item", () => {
    const r = visibleRange(0, 800, 10, layout, 2);
    expect(r).toEqual({ firstRow: 0, endRow: 2, start: 0, end: 10 });
  });

  it("is empty for an empty list", () => {
    expect(visibleRange(0, 800, 0, layout)).toEqual({ firstRow: 0, endRow: 0, start: 0, end: 0 });
  });

  it("clamps a scroll position past the end (the list shrank)", () => {
    const r = visibleRange(50_000, 800, 12, layout, 1);
    expect(r.end).toBe(12);
    expect(r.start).toBe(0);
  });
});

describe("pagesFor", () => {
  it("lists the pages that cover a range", () => {
    expect(pagesFor(0, 36, 200)).toEqual([0]);
    expect(pagesFor(190, 230, 200)).toEqual([0, 1]);
    expect(pagesFor(400, 400, 200)).toEqual([]);
    expect(pagesFor(29_988, 30_048, 200)).toEqual([149, 150]);
  });
});

describe("moveIndex", () => {
  it("moves by one left and right, by a row up and down", () => {
    expect(moveIndex(7, "left", 6, 100, 3)).toBe(6);
    expect(moveIndex(7, "right", 6, 100, 3)).toBe(8);
    expect(moveIndex(7, "up", 6, 100, 3)).toBe(1);
    expect(moveIndex(7, "down", 6, 100, 3)).toBe(13);
  });

  it("stays inside the list", () => {
    expect(moveIndex(0, "left", 6, 100, 3)).toBe(0);
    expect(moveIndex(3, "up", 6, 100, 3)).toBe(3);
    expect(moveIndex(99, "right", 6, 100, 3)).toBe(99);
    expect(moveIndex(97, "down", 6, 100, 3)).toBe(97);
  });

  it("lands on the last cell when the row below is short", () => {
    // 10 items in rows of 6: index 5 has nothing below it; the last item is 9.
    expect(moveIndex(5, "down", 6, 10, 3)).toBe(9);
  });

  it("jumps to the ends and by pages", () => {
    expect(moveIndex(50, "home", 6, 100, 3)).toBe(0);
    expect(moveIndex(50, "end", 6, 100, 3)).toBe(99);
    expect(moveIndex(50, "pageDown", 6, 100, 3)).toBe(68);
    expect(moveIndex(10, "pageUp", 6, 100, 3)).toBe(0);
  });

  it("has nowhere to go in an empty list", () => {
    expect(moveIndex(0, "down", 6, 0, 3)).toBe(-1);
  });
});

describe("scrollToShow", () => {
  it("leaves the scroll alone when the row is in view", () => {
    expect(scrollToShow(13, layout, 0, 800)).toBe(0);
  });

  it("scrolls up to a row above the view", () => {
    expect(scrollToShow(0, layout, 1000, 800)).toBe(0);
  });

  it("scrolls down just enough to show a row below the view", () => {
    // Row 5 spans 1000..1200; a 800px view must start at 400.
    expect(scrollToShow(30, layout, 0, 800)).toBe(400);
  });
});
