// Piece documents and views shaped like the engine's answers.

import type { Asset, BlockedAsset, Item, PieceView } from "../lib/bindings";
import type { MontageDoc } from "../lib/piece";
import { asset } from "./fixtures";

export function item(assetId: number, inMs: number, outMs: number, over: Partial<Item> = {}): Item {
  return {
    asset_id: assetId,
    source_hash: assetId.toString(16).padStart(64, "0"),
    kind: "photo",
    in_ms: inMs,
    out_ms: outMs,
    pan_zoom: false,
    fit: "blurred_fill",
    transition: { kind: "cut", duration_ms: 0 },
    credit: `@fan${assetId}`,
    ...over,
  };
}

export function montageDoc(items: Item[], over: Partial<MontageDoc> = {}): MontageDoc {
  return {
    format: 1,
    name: "Summer story",
    preset: "story_9x16",
    kind: "montage",
    items,
    intro_card: false,
    outro_card: false,
    card_ms: 1500,
    music_bed: true,
    target_lufs: -14,
    target_ms: 15_000,
    ...over,
  };
}

export const SUMMER = {
  id: 3,
  name: "Summer fans",
  usage: {
    channels: ["web", "social"],
    territories: ["WORLDWIDE"],
    starts_on: "2025-06-01",
    ends_on: "2025-08-31",
  },
} as const;

/** A montage of five-second shots of assets 1..n (clips of 10 s), as `piece_view` answers. */
export function pieceView(n: number, over: Partial<PieceView> = {}, version = 1): PieceView {
  const assets: Asset[] = Array.from({ length: n }, (_, i) =>
    asset(i + 1, { kind: "clip", duration_ms: 10_000, original_name: `clip-${i + 1}.mp4` }),
  );
  const doc = montageDoc(
    assets.map((a) => item(a.id, 2000, 7000, { kind: "clip" })),
    { target_ms: n * 5000 },
  );
  return {
    piece: { id: 11, campaign_id: SUMMER.id, version, document: doc },
    campaign: { ...SUMMER, usage: { ...SUMMER.usage, channels: [...SUMMER.usage.channels], territories: ["WORLDWIDE"] } },
    assets,
    duration_ms: n * 5000,
    target_ms: n * 5000,
    blocked: [],
    soft: [],
    ...over,
  };
}

export function blockedAsset(id: number, over: Partial<BlockedAsset> = {}): BlockedAsset {
  return {
    asset_id: id,
    original_name: `clip-${id}.mp4`,
    contributor: "@sam",
    reasons: ["permission was revoked on 2025-07-01"],
    ...over,
  };
}
