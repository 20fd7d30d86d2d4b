// What a drag carries inside the window: a storyboard card being moved, or an asset from the
// picker being added. Custom types, so a drop of anything else (a file, some text) is not
// mistaken for either.

import type { Asset } from "./bindings";

export const CARD_TYPE = "application/x-chorus-card";
export const ASSET_TYPE = "application/x-chorus-asset";

/** The part of DataTransfer used here (jsdom and tests can fake it). */
export interface Transfer {
  types: readonly string[];
  getData(type: string): string;
  setData(type: string, data: string): void;
}

export function carriesCard(t: Transfer | null | undefined): boolean {
  return !!t && Array.from(t.types).includes(CARD_TYPE);
}

export function carriesAsset(t: Transfer | null | undefined): boolean {
  return !!t && Array.from(t.types).includes(ASSET_TYPE);
}

export function putCard(t: Transfer, index: number): void {
  t.setData(CARD_TYPE, String(index));
  t.setData("text/plain", `card ${index + 1}`);
}

export function takeCard(t: Transfer): number | null {
  const n = Number.parseInt(t.getData(CARD_TYPE), 10);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

export function putAsset(t: Transfer, asset: Asset): void {
  t.setData(ASSET_TYPE, JSON.stringify(asset));
  t.setData("text/plain", asset.original_name);
}

export function takeAsset(t: Transfer): Asset | null {
  try {
    const a = JSON.parse(t.getData(ASSET_TYPE)) as Partial<Asset> | null;
    if (!a || typeof a.id !== "number" || typeof a.hash !== "string" || (a.kind !== "photo" && a.kind !== "clip")) {
      return null;
    }
    return a as Asset;
  } catch {
    return null;
  }
}
