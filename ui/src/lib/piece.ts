// Editing a piece document. Every edit returns a new document (the editor keeps the old
// ones for undo). The engine validates a document when it is saved and names each problem;
// the only rules mirrored here are the ones the editor needs to draw: a trim stays inside
// its clip, and the running total (the engine's duration rule, for display only — the
// `duration_ms` the engine returns after a save is the authority).

import type {
  BeatGrid,
  ItemSound,
  Asset,
  Fit,
  Item,
  Montage,
  Mosaic,
  PieceDoc,
  Preset,
  Still,
  Transition,
  TransitionKind,
} from "./bindings";

export type MontageDoc = Extract<PieceDoc, { kind: "montage" }>;
export type MosaicDoc = Extract<PieceDoc, { kind: "mosaic" }>;
export type StillDoc = Extract<PieceDoc, { kind: "still" }>;

/** The document format this UI writes (the engine's `piece::FORMAT`). */
export const DOC_FORMAT = 1;
/** Output frame rate of every preset (the engine's `piece::FPS`). */
export const FPS = 30;
/** Shortest shot the editor lets a trim or a photo make. */
export const MIN_ITEM_MS = 200;
/** Longest a photo may hold (a whole 60 s piece). */
export const MAX_PHOTO_MS = 60_000;
export const DEFAULT_PHOTO_MS = 3000;
export const DEFAULT_CLIP_MS = 3000;
export const DEFAULT_TRANSITION_MS = 500;
export const DEFAULT_CARD_MS = 1500;

export const FITS: Fit[] = ["blurred_fill", "follow", "crop", "letterbox"];
export const TRANSITIONS: TransitionKind[] = ["cut", "crossfade", "dip_to_black"];

const CUT: Transition = { kind: "cut", duration_ms: 0 };

/** Whole frames in `ms`, rounded as the engine rounds. */
export function frames(ms: number): number {
  return Math.floor((Math.max(0, ms) * FPS + 500) / 1000);
}

/** Milliseconds of whole frames, rounded so that `frames(msOf(f)) === f`. */
export function msOf(f: number): number {
  return Math.floor((f * 1000 + FPS / 2) / FPS);
}

export function transitionOf(item: Item): Transition {
  return item.transition ?? CUT;
}

export function itemLength(item: Item): number {
  return Math.max(0, item.out_ms - item.in_ms);
}

/** A montage's output length in frames: items plus cards, less crossfade overlaps. */
export function montageFrames(m: Montage): number {
  const items = m.items.reduce((sum, i) => sum + frames(itemLength(i)), 0);
  const overlaps = m.items
    .slice(1)
    .filter((i) => transitionOf(i).kind === "crossfade")
    .reduce((sum, i) => sum + frames(transitionOf(i).duration_ms ?? 0), 0);
  const cards = ((m.intro_card ? 1 : 0) + (m.outro_card ? 1 : 0)) * frames(m.card_ms);
  const outroFade = m.outro_card ? frames(m.outro_fade_ms ?? 0) : 0;
  return Math.max(0, items + cards - overlaps - outroFade);
}

/** How long the document runs, in ms (a still runs 0; a mosaic its animated length). */
export function durationMs(doc: PieceDoc): number {
  switch (doc.kind) {
    case "montage":
      return msOf(montageFrames(doc));
    case "mosaic":
      return msOf(frames(doc.animated_ms));
    case "still":
      return 0;
  }
}

/** The length the document is meant to run; 0 when none was set. */
export function targetMs(doc: PieceDoc): number {
  return doc.kind === "montage" ? (doc.target_ms ?? 0) : 0;
}

function secondsText(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s} s` : `${s.toFixed(1)} s`;
}

/** "15.0 s of 15 s", or just "12.3 s" when the piece has no target length. */
export function totalText(total: number, target: number): string {
  const head = `${(total / 1000).toFixed(1)} s`;
  return target > 0 ? `${head} of ${secondsText(target)}` : head;
}

/** The running total misses the target (compared in whole frames, as rendered). */
export function offTarget(total: number, target: number): boolean {
  return target > 0 && frames(total) !== frames(target);
}

/** The on-screen credit the engine would write: the handle, else the name. */
export function creditFor(asset: Asset): string {
  return asset.contributor?.handle ?? asset.contributor?.name ?? "";
}

/** A new storyboard card for an asset: a clip's middle 3 s, or a photo held 3 s. */
export function newItem(asset: Asset): Item {
  let in_ms = 0;
  let out_ms = DEFAULT_PHOTO_MS;
  if (asset.kind === "clip") {
    const clip = Math.max(0, asset.duration_ms ?? 0);
    const len = Math.min(clip, DEFAULT_CLIP_MS);
    in_ms = Math.floor((clip - len) / 2);
    out_ms = in_ms + len;
  }
  return {
    asset_id: asset.id,
    source_hash: asset.hash,
    kind: asset.kind,
    in_ms,
    out_ms,
    pan_zoom: asset.kind === "photo",
    fit: "blurred_fill",
    transition: { ...CUT },
    credit: creditFor(asset),
  };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

/** Sets a clip's in point: at least 0, and a shortest shot before the out point. */
export function trimIn(item: Item, ms: number, clipMs: number | null): Item {
  const limit = clipMs === null ? item.out_ms : Math.min(item.out_ms, clipMs);
  const in_ms = clamp(Math.round(ms), 0, Math.max(0, limit - MIN_ITEM_MS));
  return { ...item, in_ms };
}

/** Sets a clip's out point: a shortest shot after the in point, and within the clip. */
export function trimOut(item: Item, ms: number, clipMs: number | null): Item {
  const max = clipMs === null ? Number.POSITIVE_INFINITY : clipMs;
  const out_ms = clamp(Math.round(ms), Math.min(item.in_ms + MIN_ITEM_MS, max), max);
  return { ...item, out_ms };
}

/** Brings a trim inside its clip (a clip shorter than the trim it was given). */
export function clampTrim(item: Item, clipMs: number | null): Item {
  if (item.kind !== "clip" || clipMs === null) return item;
  const out_ms = clamp(item.out_ms, Math.min(MIN_ITEM_MS, clipMs), clipMs);
  const in_ms = clamp(item.in_ms, 0, Math.max(0, out_ms - MIN_ITEM_MS));
  return in_ms === item.in_ms && out_ms === item.out_ms ? item : { ...item, in_ms, out_ms };
}

/** How long a photo holds. */
export function photoLength(item: Item, ms: number): Item {
  return { ...item, in_ms: 0, out_ms: clamp(Math.round(ms), MIN_ITEM_MS, MAX_PHOTO_MS) };
}

/** A cut has no length; a crossfade or dip keeps its length, or starts at half a second. */
export function withTransitionKind(item: Item, kind: TransitionKind): Item {
  const current = transitionOf(item).duration_ms ?? 0;
  const duration_ms = kind === "cut" ? 0 : current > 0 ? current : DEFAULT_TRANSITION_MS;
  return { ...item, transition: { kind, duration_ms } };
}

export function withTransitionMs(item: Item, ms: number): Item {
  const t = transitionOf(item);
  const duration_ms = t.kind === "cut" ? 0 : Math.max(0, Math.round(Number.isFinite(ms) ? ms : 0));
  return { ...item, transition: { kind: t.kind, duration_ms } };
}

export function rename<D extends PieceDoc>(doc: D, name: string): D {
  return { ...doc, name };
}

/** Another output shape for the same storyboard: the engine fits each shot to it. */
export function withPreset<D extends PieceDoc>(doc: D, preset: Preset): D {
  return { ...doc, preset };
}

export function withItems(doc: MontageDoc, items: Item[]): MontageDoc {
  return { ...doc, items };
}

export function updateItem(doc: MontageDoc, index: number, change: (item: Item) => Item): MontageDoc {
  if (index < 0 || index >= doc.items.length) return doc;
  return { ...doc, items: doc.items.map((it, i) => (i === index ? fitCaptions(change(it)) : it)) };
}

/** Sound settings the engine accepts (`SOUND_GAIN_DB`, `MAX_SOUND_SHIFT_MS`). */
export const SOUND_GAIN_DB = [-24, 12] as const;
export const MAX_SOUND_SHIFT_MS = 2000;

export type Sound = { gain_db: number; mute: boolean; lead_ms: number; trail_ms: number };

export function soundOf(item: Item): Sound {
  return {
    gain_db: item.sound?.gain_db ?? 0,
    mute: item.sound?.mute ?? false,
    lead_ms: item.sound?.lead_ms ?? 0,
    trail_ms: item.sound?.trail_ms ?? 0,
  };
}

export function withSound(item: Item, patch: Partial<ItemSound>): Item {
  return { ...item, sound: { ...soundOf(item), ...patch } };
}

/** The caption typed for an item: its one cue's text ("" for none; several cues came from
 * a file and are listed instead). */
export function typedCaption(item: Item): string {
  const cues = item.captions ?? [];
  return cues.length === 1 ? cues[0].text : "";
}

/** A typed caption shows for the whole item; an empty one removes it. */
export function withTypedCaption(item: Item, text: string): Item {
  return {
    ...item,
    captions: text.trim() === "" ? [] : [{ start_ms: 0, end_ms: itemLength(item), text }],
  };
}

/** Captions kept inside the item after a trim: a caption typed for the whole item stays
 * whole; cues past the new end are cut or dropped. */
export function fitCaptions(item: Item): Item {
  const cues = item.captions ?? [];
  if (cues.length === 0) return item;
  const len = itemLength(item);
  if (cues.length === 1 && cues[0].start_ms === 0) {
    return cues[0].end_ms === len ? item : { ...item, captions: [{ ...cues[0], end_ms: len }] };
  }
  const kept = cues
    .filter((c) => c.start_ms < len)
    .map((c) => (c.end_ms > len ? { ...c, end_ms: len } : c))
    .filter((c) => c.end_ms > c.start_ms);
  return { ...item, captions: kept };
}

export type MontageSettings = Partial<Omit<Montage, "items">>;

export function withMontage(doc: MontageDoc, patch: MontageSettings): MontageDoc {
  return { ...doc, ...patch };
}

export function withMosaic(doc: MosaicDoc, patch: Partial<Mosaic>): MosaicDoc {
  return { ...doc, ...patch };
}

/** Adds a tile to the wall, or takes it off. */
export function toggleTile(doc: MosaicDoc, assetId: number): MosaicDoc {
  const ids = doc.asset_ids.includes(assetId)
    ? doc.asset_ids.filter((id) => id !== assetId)
    : [...doc.asset_ids, assetId];
  return { ...doc, asset_ids: ids };
}

export function withStill(doc: StillDoc, patch: Partial<Still>): StillDoc {
  return { ...doc, ...patch };
}

export function newMosaicDoc(name: string, preset: Preset, assetIds: number[]): MosaicDoc {
  return {
    format: DOC_FORMAT,
    name,
    preset,
    kind: "mosaic",
    asset_ids: [...assetIds],
    layout: "grid",
    brand_overlay: true,
    animated_ms: 0,
    music_bed: true,
    target_lufs: -14,
  };
}

export function newStillDoc(name: string, preset: Preset, asset: Asset): StillDoc {
  return { format: DOC_FORMAT, name, preset, kind: "still", asset_id: asset.id, credit: creditFor(asset) };
}

/** Every asset the document shows, in order of first appearance. */
export function docAssetIds(doc: PieceDoc): number[] {
  const all =
    doc.kind === "montage" ? doc.items.map((i) => i.asset_id) : doc.kind === "mosaic" ? doc.asset_ids : [doc.asset_id];
  return [...new Set(all)];
}

/** The preview is a video: a montage with shots, or a mosaic with an animated length. */
export function previewsAsVideo(doc: PieceDoc): boolean {
  if (doc.kind === "montage") return doc.items.length > 0;
  if (doc.kind === "mosaic") return doc.animated_ms > 0;
  return false;
}

/** Where each item starts on the piece's timeline, in ms (whole frames, as rendered). */
export function itemStarts(m: Montage): number[] {
  let at = m.intro_card ? frames(m.card_ms) : 0;
  return m.items.map((it, i) => {
    const t = transitionOf(it);
    if (i > 0 && t.kind === "crossfade") at = Math.max(0, at - frames(t.duration_ms ?? 0));
    const start = at;
    at += frames(itemLength(it));
    return msOf(start);
  });
}

/** The beats of `grid` from `from` to `to` ms. */
export function beatsIn(grid: BeatGrid, from: number, to: number): number[] {
  const period = grid.period_ms ?? 0;
  if (!(period > 0)) return [];
  const offset = grid.offset_ms ?? 0;
  const out: number[] = [];
  for (let k = Math.max(0, Math.ceil((from - offset) / period)); ; k++) {
    const t = offset + k * period;
    if (t > to || out.length > 1000) break;
    out.push(t);
  }
  return out;
}

/** A cut at `ms` lands on a beat (within a frame). */
export function onBeat(grid: BeatGrid, ms: number): boolean {
  const period = grid.period_ms ?? 0;
  if (!(period > 0)) return false;
  const x = (((ms - (grid.offset_ms ?? 0)) % period) + period) % period;
  return Math.min(x, period - x) <= 1000 / FPS;
}
