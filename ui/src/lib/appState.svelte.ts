// State the screens share: which screen is showing, the open library, the library's
// filters, the asset panel, and a change feed so every screen showing an asset can
// refresh after another one changed it.

import type { Asset, LibraryInfo } from "./bindings";
import { NO_FILTERS, type Filters } from "./filters";

export type View = "library" | "inbox" | "import" | "contributors" | "rights" | "campaigns";

/** Who changed assets, which ones, and (when known) their new field values. */
export interface Change {
  seq: number;
  origin: "grid" | "panel" | "import" | "library" | "contributors";
  /** Empty = anything may have changed (an import, another library). */
  ids: number[];
  patch: Partial<Pick<Asset, "rating" | "curation" | "tags">> | null;
}

export const app = $state({
  view: "library" as View,
  library: null as LibraryInfo | null,
  filters: { ...NO_FILTERS } as Filters,
  /** The asset shown in the asset panel, if it is open. */
  panel: null as number | null,
  /** The piece open in the editor (on the Campaigns screen), if any. */
  piece: null as number | null,
  change: { seq: 0, origin: "library", ids: [], patch: null } as Change,
});

export function show(view: View): void {
  app.view = view;
}

/** Opens a piece in the editor. */
export function openPiece(id: number): void {
  app.piece = id;
  app.view = "campaigns";
}

/** Back to the campaign list. */
export function closePiece(): void {
  app.piece = null;
}

export function openAsset(id: number): void {
  app.panel = id;
}

export function closeAsset(): void {
  app.panel = null;
}

/** Shows the library filtered by a search (e.g. a contributor's handle). */
export function searchLibrary(text: string): void {
  app.filters = { ...NO_FILTERS, search: text };
  app.view = "library";
}

export function announce(
  origin: Change["origin"],
  ids: number[] = [],
  patch: Change["patch"] = null,
): void {
  app.change = { seq: app.change.seq + 1, origin, ids, patch };
}
