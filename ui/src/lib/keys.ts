// Keyboard curation on the library grid: which key does what. The legend shown in the UI
// is built from the same table, so the two cannot drift apart.

import type { Curation } from "./bindings";
import type { Move } from "./grid";

export type GridAction =
  | { type: "move"; move: Move; extend: boolean }
  | { type: "open" }
  | { type: "curate"; curation: Curation }
  | { type: "rate"; rating: number }
  | { type: "tag" }
  | { type: "escape" };

export interface KeyInput {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

const MOVES: Record<string, Move> = {
  ArrowLeft: "left",
  ArrowRight: "right",
  ArrowUp: "up",
  ArrowDown: "down",
  Home: "home",
  End: "end",
  PageUp: "pageUp",
  PageDown: "pageDown",
};

const CURATION_KEYS: Record<string, Curation> = {
  p: "shortlisted",
  s: "selected",
  x: "rejected",
  u: "new",
};

/** The action for a key press on the grid, or null to let the browser have it. */
export function actionFor(e: KeyInput): GridAction | null {
  const move = MOVES[e.key];
  if (move) {
    if (e.ctrlKey || e.metaKey || e.altKey) return null;
    return { type: "move", move, extend: !!e.shiftKey };
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.key === " " || e.key === "Enter") return { type: "open" };
  if (e.key === "Escape") return { type: "escape" };
  const key = e.key.toLowerCase();
  if (key in CURATION_KEYS) return { type: "curate", curation: CURATION_KEYS[key] };
  if (key === "t") return { type: "tag" };
  if (/^[0-5]$/.test(e.key)) return { type: "rate", rating: Number(e.key) };
  return null;
}

export interface LegendEntry {
  keys: string[];
  label: string;
}

export const LEGEND: LegendEntry[] = [
  { keys: ["←", "→", "↑", "↓"], label: "move" },
  { keys: ["Shift", "arrows"], label: "extend selection" },
  { keys: ["Space"], label: "open" },
  { keys: ["P"], label: "shortlist" },
  { keys: ["S"], label: "select" },
  { keys: ["X"], label: "reject" },
  { keys: ["U"], label: "back to new" },
  { keys: ["0–5"], label: "rate" },
  { keys: ["T"], label: "tag" },
  { keys: ["Esc"], label: "clear selection" },
];
