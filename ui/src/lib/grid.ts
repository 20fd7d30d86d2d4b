// The arithmetic of a virtualised grid of fixed-size cells. Only the rows in view (plus a
// few rows of overscan) exist in the DOM; the scroll height is the full row count from the
// first page's total, so the scrollbar is right before anything else loads.

export interface Layout {
  /** Cells per row (at least 1). */
  columns: number;
  /** Height of one row including the gap below it, in px. */
  rowHeight: number;
}

export interface Range {
  /** First rendered row. */
  firstRow: number;
  /** One past the last rendered row. */
  endRow: number;
  /** First rendered index. */
  start: number;
  /** One past the last rendered index. */
  end: number;
}

/** How many cells of `cellWidth` fit in `width`, with `gap` between them. */
export function columnsFor(width: number, cellWidth: number, gap: number): number {
  if (!(width > 0)) return 1;
  return Math.max(1, Math.floor((width + gap) / (cellWidth + gap)));
}

export function rowCount(total: number, columns: number): number {
  return total <= 0 ? 0 : Math.ceil(total / columns);
}

/** Scroll height of the whole grid. */
export function contentHeight(total: number, layout: Layout): number {
  return rowCount(total, layout.columns) * layout.rowHeight;
}

export function rowColOf(index: number, columns: number): { row: number; col: number } {
  return { row: Math.floor(index / columns), col: index % columns };
}

/** The rows and indices to render for a scroll position, with `overscan` rows either side. */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  total: number,
  layout: Layout,
  overscan = 2,
): Range {
  const rows = rowCount(total, layout.columns);
  if (rows === 0 || layout.rowHeight <= 0) return { firstRow: 0, endRow: 0, start: 0, end: 0 };
  const top = Math.max(0, scrollTop);
  const firstVisible = Math.min(rows - 1, Math.floor(top / layout.rowHeight));
  const lastVisible = Math.min(
    rows - 1,
    Math.floor((top + Math.max(0, viewportHeight) - 1) / layout.rowHeight),
  );
  const firstRow = Math.max(0, firstVisible - overscan);
  const endRow = Math.min(rows, Math.max(lastVisible, firstVisible) + 1 + overscan);
  return {
    firstRow,
    endRow,
    start: firstRow * layout.columns,
    end: Math.min(total, endRow * layout.columns),
  };
}

/** Indices of the pages of `pageSize` items that cover [start, end). */
export function pagesFor(start: number, end: number, pageSize: number): number[] {
  if (end <= start) return [];
  const pages: number[] = [];
  for (let p = Math.floor(start / pageSize); p <= Math.floor((end - 1) / pageSize); p++) {
    pages.push(p);
  }
  return pages;
}

export type Move = "left" | "right" | "up" | "down" | "home" | "end" | "pageUp" | "pageDown";

/** Where the focus goes from `index` for a move; `pageRows` rows make one page. */
export function moveIndex(
  index: number,
  move: Move,
  columns: number,
  total: number,
  pageRows: number,
): number {
  if (total <= 0) return -1;
  const clamp = (i: number) => Math.min(total - 1, Math.max(0, i));
  const from = clamp(index);
  const page = Math.max(1, pageRows) * columns;
  switch (move) {
    case "left":
      return clamp(from - 1);
    case "right":
      return clamp(from + 1);
    case "up":
      return from - columns >= 0 ? from - columns : from;
    case "down":
      // The last row may be short: moving down from above its gap lands on its last cell.
      if (rowColOf(from, columns).row === rowColOf(total - 1, columns).row) return from;
      return clamp(from + columns);
    case "home":
      return 0;
    case "end":
      return total - 1;
    case "pageUp":
      return clamp(from - page);
    case "pageDown":
      return clamp(from + page);
  }
}

/** The scrollTop that brings row `index` into view, moving as little as possible. */
export function scrollToShow(
  index: number,
  layout: Layout,
  scrollTop: number,
  viewportHeight: number,
): number {
  const top = rowColOf(index, layout.columns).row * layout.rowHeight;
  const bottom = top + layout.rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}
