// The storyboard as a list: moving, removing and inserting cards, by drag or by keyboard.
// Every operation returns a new array and leaves its input alone, so each edit can be kept
// for undo.

export interface Moved<T> {
  list: T[];
  /** Where the moved (or focused) entry is now. */
  index: number;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

/** Moves the entry at `from` so that it ends up at index `to`. */
export function move<T>(list: readonly T[], from: number, to: number): Moved<T> {
  if (from < 0 || from >= list.length) return { list: [...list], index: from };
  const target = clamp(to, 0, list.length - 1);
  const out = [...list];
  const [entry] = out.splice(from, 1);
  out.splice(target, 0, entry);
  return { list: out, index: target };
}

/** One step left (-1) or right (+1); at either end nothing moves. */
export function moveBy<T>(list: readonly T[], index: number, delta: number): Moved<T> {
  return move(list, index, index + delta);
}

/** Drag and drop: `gap` is the slot between cards it was dropped on (0 = before the first,
 * length = after the last). */
export function moveToGap<T>(list: readonly T[], from: number, gap: number): Moved<T> {
  const g = clamp(gap, 0, list.length);
  return move(list, from, g > from ? g - 1 : g);
}

export function remove<T>(list: readonly T[], index: number): T[] {
  if (index < 0 || index >= list.length) return [...list];
  return [...list.slice(0, index), ...list.slice(index + 1)];
}

/** Inserts at `index` (clamped: past the end appends). */
export function insert<T>(list: readonly T[], index: number, entry: T): Moved<T> {
  const at = clamp(index, 0, list.length);
  return { list: [...list.slice(0, at), entry, ...list.slice(at)], index: at };
}

/** Which card to keep selected after removing `removed` from a list of `length` (before). */
export function selectionAfterRemove(
  selected: number | null,
  removed: number,
  length: number,
): number | null {
  if (selected === null) return null;
  if (length <= 1) return null;
  if (selected === removed) return Math.min(removed, length - 2);
  return selected > removed ? selected - 1 : selected;
}

/** The gap a drop over a card means: its left half is before it, its right half after. */
export function gapAt(index: number, offsetX: number, width: number): number {
  return width > 0 && offsetX > width / 2 ? index + 1 : index;
}

export interface KeyInput {
  key: string;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
}

export type CardAction =
  | { type: "move"; delta: -1 | 1 }
  | { type: "focus"; delta: -1 | 1 }
  | { type: "remove" };

/** What a key does on a focused storyboard card: Alt+←/→ moves it, ←/→ moves the focus,
 * Delete/Backspace removes it. */
export function cardAction(e: KeyInput): CardAction | null {
  if (e.ctrlKey || e.metaKey) return null;
  const delta = e.key === "ArrowLeft" ? -1 : e.key === "ArrowRight" ? 1 : null;
  if (delta !== null) return e.altKey ? { type: "move", delta } : e.shiftKey ? null : { type: "focus", delta };
  if (!e.altKey && !e.shiftKey && (e.key === "Delete" || e.key === "Backspace")) return { type: "remove" };
  return null;
}
