// The piece's own caption track, as the editor changes it.
import type { Cue } from "./bindings";

/** How long a new caption shows unless the piece ends first. */
export const NEW_CUE_MS = 2000;

/** A new caption after the last one (or at the start), inside the piece where it can be. */
export function nextCue(cues: Cue[], lengthMs: number): Cue {
  const after = cues.reduce((end, c) => Math.max(end, c.end_ms), 0);
  const start = lengthMs > 0 ? Math.min(after, Math.max(0, lengthMs - NEW_CUE_MS)) : after;
  const end = lengthMs > 0 ? Math.min(start + NEW_CUE_MS, Math.max(lengthMs, start + 100)) : start + NEW_CUE_MS;
  return { start_ms: start, end_ms: end, text: "" };
}

/** Caption `i` changed; the others as they were. */
export function withCue(cues: Cue[], i: number, patch: Partial<Cue>): Cue[] {
  return cues.map((c, j) => (j === i ? { ...c, ...patch } : c));
}
