// The timeline's arithmetic: where each part of a montage sits in time, pixels and
// milliseconds at a zoom, trimming by dragging an edge, where a dragged block lands, and
// the editors' keys (J/K/L shuttle, frame steps, I/O at the playhead).

import type { Item } from "./bindings";
import {
  FPS,
  durationMs,
  frames,
  itemLength,
  itemStarts,
  msOf,
  photoLength,
  trimIn,
  trimOut,
  type MontageDoc,
} from "./piece";

export interface Span {
  from: number;
  to: number;
}

export interface Layout {
  total: number;
  intro: Span | null;
  outro: Span | null;
  /** Each item's span on the output, in order (crossfades overlap the one before). */
  items: Span[];
}

export function layout(m: MontageDoc): Layout {
  const total = durationMs(m);
  const card = msOf(frames(m.card_ms));
  const starts = itemStarts(m);
  const items = m.items.map((it, i) => ({ from: starts[i], to: starts[i] + msOf(frames(itemLength(it))) }));
  return {
    total,
    intro: m.intro_card && card > 0 ? { from: 0, to: card } : null,
    outro: m.outro_card && card > 0 ? { from: Math.max(0, total - card), to: total } : null,
    items,
  };
}

/** Zoom steps, in pixels per second. */
export const ZOOMS = [20, 40, 80, 160, 320] as const;

export function pxOf(ms: number, pxPerSecond: number): number {
  return (ms * pxPerSecond) / 1000;
}

export function msAt(px: number, pxPerSecond: number, total: number): number {
  return clampMs((px * 1000) / pxPerSecond, total);
}

/** The frame nearest `ms`, inside a piece of `total` ms. */
function frameNear(ms: number, total: number): number {
  const last = Math.max(0, frames(total) - 1);
  return Math.min(last, Math.max(0, Math.round((ms * FPS) / 1000)));
}

/** A time on the piece, snapped to its nearest frame. */
export function clampMs(ms: number, total: number): number {
  return Number.isFinite(ms) ? msOf(frameNear(ms, total)) : 0;
}

/** One frame on, or back (or a second with `big`). */
export function step(ms: number, dir: 1 | -1, total: number, big = false): number {
  const last = Math.max(0, frames(total) - 1);
  const f = frameNear(ms, total) + dir * (big ? FPS : 1);
  return msOf(Math.min(last, Math.max(0, f)));
}

/** J, K and L: back, stop, forward; pressed again, twice as fast (up to 8×). */
export function shuttle(rate: number, key: "j" | "k" | "l"): number {
  if (key === "k") return 0;
  if (key === "l") return rate <= 0 ? 1 : Math.min(8, rate * 2);
  return rate >= 0 ? -1 : Math.max(-8, rate * 2);
}

/** The item under the playhead (the later one inside a crossfade), and how far into it. */
export function itemAt(l: Layout, ms: number): { index: number; offset: number } | null {
  for (let i = l.items.length - 1; i >= 0; i--) {
    const s = l.items[i];
    if (ms >= s.from && ms < s.to) return { index: i, offset: ms - s.from };
  }
  return null;
}

/** I or O: the shot under the playhead starts (or ends) there. A photo has no in point:
 * I does nothing to it, O sets how long it holds. */
export function markAt(item: Item, offset: number, edge: "in" | "out", clipMs: number | null): Item {
  if (item.kind === "photo") return edge === "out" ? photoLength(item, offset) : item;
  return edge === "in" ? trimIn(item, item.in_ms + offset, clipMs) : trimOut(item, item.in_ms + offset, clipMs);
}

/** Dragging an edge of a shot by `deltaMs`: the left edge moves its in point (a photo's
 * left edge cannot move), the right one its out point (a photo's length). */
export function dragEdge(item: Item, edge: "in" | "out", deltaMs: number, clipMs: number | null): Item {
  if (item.kind === "photo") return edge === "out" ? photoLength(item, itemLength(item) + deltaMs) : item;
  return edge === "in" ? trimIn(item, item.in_ms + deltaMs, clipMs) : trimOut(item, item.out_ms + deltaMs, clipMs);
}

/** Where a block dragged to `ms` lands: the index it takes among the others. */
export function dropIndex(l: Layout, from: number, ms: number): number {
  const others = l.items.map((s, i) => ({ s, i })).filter(({ i }) => i !== from);
  let at = 0;
  for (const { s } of others) if (ms > (s.from + s.to) / 2) at++;
  return at;
}

/** "0:04.10": minutes, seconds and frames, as editors read a timecode. */
export function timecode(ms: number): string {
  const f = frames(ms);
  const s = Math.floor(f / FPS);
  const ff = f % FPS;
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}.${String(ff).padStart(2, "0")}`;
}

/** An SVG path of a waveform `points` wide, `height` tall, mirrored about its middle. */
export function wavePath(peaks: number[], width: number, height: number): string {
  if (peaks.length === 0 || width <= 0) return "";
  const mid = height / 2;
  const dx = width / peaks.length;
  const top = peaks.map((p, i) => `${(i * dx).toFixed(1)},${(mid - p * mid).toFixed(1)}`);
  const bottom = peaks.map((p, i) => `${(i * dx).toFixed(1)},${(mid + p * mid).toFixed(1)}`).reverse();
  return `M${top.join("L")}L${bottom.join("L")}Z`;
}
