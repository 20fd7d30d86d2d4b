// The rights badge on every thumbnail: the asset's status in a word, and in a sentence
// for its tooltip and screen readers.

import type { Asset, AssetsPage, RightsStatus } from "./bindings";

/** An asset as the grid holds it: with its rights status from the same page. */
export type GridAsset = Asset & { rights: RightsStatus };

export const RIGHTS_BADGE: Record<RightsStatus, { label: string; says: string }> = {
  unrequested: { label: "Not asked", says: "Rights not asked yet" },
  requested: { label: "Asked", says: "Rights asked, no answer yet" },
  granted: { label: "Granted", says: "Rights granted (a campaign still checks its channels and dates)" },
  denied: { label: "Denied", says: "The contributor said no" },
  revoked: { label: "Withdrawn", says: "The contributor withdrew permission" },
  expired: { label: "Expired", says: "Permission has run out" },
};

/** The page's assets, each with its status; a status missing from a short reply reads as not asked. */
export function withRights(page: AssetsPage): GridAsset[] {
  return page.assets.map((a, i) => ({ ...a, rights: page.rights[i] ?? "unrequested" }));
}
