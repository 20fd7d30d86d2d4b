// The trim scrubber's geometry and keys: where a handle sits over the filmstrip, which time
// a pointer points at, and how far a key press moves a handle. Clamping the trim itself is
// `piece.trimIn` / `piece.trimOut`.

/** Where `ms` sits along a clip of `span` ms, as a CSS percentage (0..100). */
export function percentOf(ms: number, span: number): number {
  if (!(span > 0)) return 0;
  return Math.min(100, Math.max(0, (ms / span) * 100));
}

/** The time under a pointer `x` px from the left of a bar `width` px wide. */
export function msAt(x: number, width: number, span: number): number {
  if (!(width > 0)) return 0;
  return Math.round(Math.min(1, Math.max(0, x / width)) * span);
}

/** 2500 → "2.5", 3000 → "3", 1234 → "1.23": seconds for inputs and labels. */
export function secondsValue(ms: number): string {
  return String(Number((ms / 1000).toFixed(2)));
}

/** Fine and coarse steps of a trim handle moved by keys. */
export const STEP_MS = 100;
export const BIG_STEP_MS = 1000;

/** Where a key press puts a handle now at `current`; null for keys it does not use. */
export function handleStep(
  e: { key: string; shiftKey?: boolean; altKey?: boolean; ctrlKey?: boolean; metaKey?: boolean },
  current: number,
  span: number,
): number | null {
  if (e.altKey || e.ctrlKey || e.metaKey) return null;
  const step = e.shiftKey ? BIG_STEP_MS : STEP_MS;
  switch (e.key) {
    case "ArrowLeft":
    case "ArrowDown":
      return current - step;
    case "ArrowRight":
    case "ArrowUp":
      return current + step;
    case "PageDown":
      return current - BIG_STEP_MS;
    case "PageUp":
      return current + BIG_STEP_MS;
    case "Home":
      return 0;
    case "End":
      return span;
    default:
      return null;
  }
}
