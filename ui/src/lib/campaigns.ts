// What the Campaigns screen prints about campaigns and pieces: presets, lengths, usage, and
// a name for a new piece that the campaign does not have yet.

import type { PieceSummary, Preset, Usage } from "./bindings";
import { channelLabel } from "./format";

export const PRESETS: Preset[] = ["hero_16x9", "story_9x16", "square_1x1", "feed_4x5"];

const PRESET_INFO: Record<Preset, { short: string; long: string; ratio: [number, number] }> = {
  hero_16x9: { short: "16:9 hero", long: "16:9 homepage hero (1920×1080)", ratio: [16, 9] },
  story_9x16: { short: "9:16 story", long: "9:16 story (1080×1920)", ratio: [9, 16] },
  square_1x1: { short: "1:1 feed", long: "1:1 square feed (1080×1080)", ratio: [1, 1] },
  feed_4x5: { short: "4:5 feed", long: "4:5 portrait feed (1080×1350)", ratio: [4, 5] },
};

/** Auto-assemble's length presets, in seconds. */
export const LENGTHS = [6, 15, 30, 60] as const;

export function presetLabel(p: Preset, long = false): string {
  return long ? PRESET_INFO[p].long : PRESET_INFO[p].short;
}

/** The preset's width and height ratio, e.g. [9, 16]. */
export function presetRatio(p: Preset): [number, number] {
  return PRESET_INFO[p].ratio;
}

/** "16 / 9", for a CSS aspect-ratio. */
export function presetAspect(p: Preset): string {
  const [w, h] = PRESET_INFO[p].ratio;
  return `${w} / ${h}`;
}

/** 15000 → "15.0 s". */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** What a piece's length column says: a video's length, or what kind of picture it is. */
export function pieceLength(p: Pick<PieceSummary, "kind" | "duration_ms">): string {
  if (p.kind === "still") return "picture";
  if (p.kind === "mosaic" && p.duration_ms === 0) return "picture";
  return seconds(p.duration_ms);
}

export function channelsText(u: Usage): string {
  return u.channels.map(channelLabel).join(", ");
}

export function territoriesText(u: Usage): string {
  return u.territories.join(", ");
}

export function runText(u: Usage): string {
  return `${u.starts_on} – ${u.ends_on}`;
}

/** Where the campaign's run stands on `today` (YYYY-MM-DD compares as text). */
export function runState(u: Usage, today: string): "upcoming" | "running" | "ended" {
  if (today < u.starts_on) return "upcoming";
  if (today > u.ends_on) return "ended";
  return "running";
}

/** A name the campaign does not use yet: "9:16 story 15 s", then "… (2)", "… (3)". */
export function suggestName(base: string, taken: string[]): string {
  const names = new Set(taken.map((n) => n.trim().toLowerCase()));
  if (!names.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base} (${n})`;
    if (!names.has(candidate.toLowerCase())) return candidate;
  }
}
