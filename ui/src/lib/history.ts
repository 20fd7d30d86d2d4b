// Unsaved edits of a document: undo and redo, and whether it differs from what was saved.
// Each edit is a whole new document (they share what did not change), so undo is a step
// back through a list. Edits with the same `group` in a row (typing a credit, dragging a
// trim handle) make one undo step until the group is sealed.

export interface History<T> {
  past: T[];
  present: T;
  future: T[];
  /** The document as the engine last saved it. */
  saved: T;
  /** The group of the last edit, while later edits may join it. */
  group: string | null;
}

/** Undo steps kept. */
export const LIMIT = 200;

export function start<T>(doc: T): History<T> {
  return { past: [], present: doc, future: [], saved: doc, group: null };
}

/** Deep equality of plain JSON values, whatever the order of object keys. */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => same(v, b[i]));
  }
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ka.length === kb.length &&
    ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

export function edit<T>(h: History<T>, next: T, group: string | null = null): History<T> {
  if (same(next, h.present)) return h;
  if (group !== null && group === h.group) {
    return { ...h, present: next, future: [] };
  }
  const past = [...h.past, h.present].slice(-LIMIT);
  return { ...h, past, present: next, future: [], group };
}

/** Ends the current group: the next edit is its own undo step. */
export function seal<T>(h: History<T>): History<T> {
  return h.group === null ? h : { ...h, group: null };
}

export function canUndo<T>(h: History<T>): boolean {
  return h.past.length > 0;
}

export function canRedo<T>(h: History<T>): boolean {
  return h.future.length > 0;
}

export function undo<T>(h: History<T>): History<T> {
  if (!h.past.length) return h;
  const present = h.past[h.past.length - 1];
  return { ...h, past: h.past.slice(0, -1), present, future: [h.present, ...h.future], group: null };
}

export function redo<T>(h: History<T>): History<T> {
  if (!h.future.length) return h;
  const [present, ...future] = h.future;
  return { ...h, past: [...h.past, h.present], present, future, group: null };
}

export function isDirty<T>(h: History<T>): boolean {
  return !same(h.present, h.saved);
}

/** The engine saved `doc` (what it stored, which may differ in detail from what was sent):
 * it becomes both the present and the saved state; earlier steps stay undoable. */
export function saved<T>(h: History<T>, doc: T): History<T> {
  const past = same(doc, h.present) ? h.past : [...h.past, h.present].slice(-LIMIT);
  return { past, present: doc, future: [], saved: doc, group: null };
}

/** The stored document changed elsewhere: start from it, unless there are unsaved edits
 * here (those stay; saving them is refused as stale, and says so). */
export function replaced<T>(h: History<T>, doc: T): History<T> {
  return isDirty(h) ? h : start(doc);
}
