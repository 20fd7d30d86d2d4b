// Unsaved edits survive leaving the editor (to select more assets in the library, say):
// the editor keeps its history here when it closes and takes it back when the same piece,
// at the same saved version, opens again.

import type { PieceDoc } from "./bindings";
import { isDirty, type History } from "./history";

interface Draft {
  version: number;
  history: History<PieceDoc>;
}

const kept = new Map<number, Draft>();

export function keepDraft(piece: number, version: number, history: History<PieceDoc>): void {
  if (isDirty(history)) kept.set(piece, { version, history });
  else kept.delete(piece);
}

/** The unsaved edits of this piece, if they were made on this version of it. */
export function takeDraft(piece: number, version: number): History<PieceDoc> | null {
  const d = kept.get(piece);
  kept.delete(piece);
  return d && d.version === version ? d.history : null;
}

export function hasDraft(piece: number): boolean {
  return kept.has(piece);
}

export function clearDrafts(): void {
  kept.clear();
}
