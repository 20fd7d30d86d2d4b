// What blocks a piece, in words: the editor's banner, the campaign list's badge, and the
// reason the Preview and Render buttons are off. The engine decides what is blocked and
// why; this only says it.

import type { BlockedAsset } from "./bindings";
import { plural } from "./format";

export function isBlocked(blocked: readonly BlockedAsset[]): boolean {
  return blocked.length > 0;
}

export function blockedIds(blocked: readonly BlockedAsset[]): Set<number> {
  return new Set(blocked.map((b) => b.asset_id));
}

/** "2 assets in this piece are not cleared for Summer fans". */
export function bannerHeading(blocked: readonly BlockedAsset[], campaign: string): string {
  const n = blocked.length;
  return `${plural(n, "asset")} in this piece ${n === 1 ? "is" : "are"} not cleared for ${campaign}`;
}

export function whoText(b: BlockedAsset): string {
  return b.contributor ?? "unknown contributor";
}

export function reasonsText(b: BlockedAsset): string {
  const reasons = b.reasons.map((r) => r.trim()).filter((r) => r !== "");
  return reasons.length ? reasons.join("; ") : "not cleared for this campaign";
}

/** The tooltip of a button that cannot work while something is blocked; null when free. */
export function blockedTitle(blocked: readonly BlockedAsset[], action: string): string | null {
  if (!blocked.length) return null;
  const names = blocked.map((b) => b.original_name).join(", ");
  return `Cannot ${action} while ${plural(blocked.length, "asset")} ${
    blocked.length === 1 ? "is" : "are"
  } blocked (${names}): clear their rights or take them out of the piece, then save.`;
}

/** The badge of a piece in the campaign list. */
export function badgeText(blocked: readonly BlockedAsset[]): string {
  return `Blocked: ${plural(blocked.length, "asset")}`;
}

export function badgeTitle(blocked: readonly BlockedAsset[]): string {
  return blocked.map((b) => `${b.original_name} (${whoText(b)}): ${reasonsText(b)}`).join("\n");
}
