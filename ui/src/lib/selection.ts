// Multi-selection on the grid, as plain values: a click selects one asset, Ctrl/Cmd-click
// toggles one, Shift-click (or Shift+arrow) selects the range from the anchor. Keys act on
// the selection when there is one, else on the focused asset.

export interface Selection {
  readonly ids: ReadonlySet<number>;
  /** Index where the last plain or toggling click happened; ranges start here. */
  readonly anchor: number | null;
}

export const NONE: Selection = { ids: new Set(), anchor: null };

export function single(index: number, id: number): Selection {
  return { ids: new Set([id]), anchor: index };
}

export function toggle(sel: Selection, index: number, id: number): Selection {
  const ids = new Set(sel.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { ids, anchor: index };
}

/** The index span [lo, hi] a range selection to `index` covers. */
export function rangeBounds(sel: Selection, index: number): [number, number] {
  const anchor = sel.anchor ?? index;
  return anchor <= index ? [anchor, index] : [index, anchor];
}

/**
 * Selects `rangeIds` (the ids at `rangeBounds`), replacing the selection, or adding to it
 * when `additive` (Ctrl/Cmd+Shift). The anchor stays, so the range can be re-dragged.
 */
export function extend(
  sel: Selection,
  index: number,
  rangeIds: readonly number[],
  additive: boolean,
): Selection {
  const ids = new Set(additive ? sel.ids : []);
  for (const id of rangeIds) ids.add(id);
  return { ids, anchor: sel.anchor ?? index };
}

export interface ClickModifiers {
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

export type ClickKind = "single" | "toggle" | "range" | "addRange";

/** What a click with these modifiers does (Cmd on macOS is Ctrl elsewhere). */
export function clickKind(m: ClickModifiers): ClickKind {
  const toggling = m.ctrlKey || m.metaKey;
  if (m.shiftKey) return toggling ? "addRange" : "range";
  return toggling ? "toggle" : "single";
}

/** The assets a command applies to: the selection, else the focused asset, else none. */
export function targets(sel: Selection, focusedId: number | undefined): number[] {
  if (sel.ids.size > 0) return [...sel.ids].sort((a, b) => a - b);
  return focusedId === undefined ? [] : [focusedId];
}
