// Test data shaped like the engine's answers.

import type { Asset, AssetsPage, Browse, RightsStatus } from "../lib/bindings";

export function asset(id: number, over: Partial<Asset> = {}): Asset {
  return {
    id,
    hash: id.toString(16).padStart(64, "0"),
    kind: "photo",
    format: "jpeg",
    original_name: `IMG_${String(id).padStart(4, "0")}.jpg`,
    size_bytes: 2_000_000,
    width: 3024,
    height: 4032,
    exif_orientation: 6,
    rotation: 0,
    duration_ms: null,
    frame_rate: null,
    video_codec: null,
    audio_codec: null,
    has_audio: false,
    captured_at: "2025-04-12T09:30:00",
    camera_make: "Apple",
    camera_model: "iPhone 15",
    has_gps: false,
    colour_profile: "Display P3",
    transfer: null,
    primaries: null,
    bit_depth: null,
    hdr: false,
    colour: "Display P3: shown and rendered converted to sRGB",
    rating: 0,
    curation: "new",
    near_duplicate_of: null,
    contributor: null,
    tags: [],
    ingested_at: "2025-05-01T10:00:00",
    ...over,
  };
}

/** An engine holding `count` assets with ids 1..count, answering browse queries by window. */
export function library(count: number) {
  const all = Array.from({ length: count }, (_, i) => asset(i + 1));
  return {
    all,
    browse: async (q: Browse): Promise<AssetsPage> => {
      const offset = q.offset ?? 0;
      const limit = q.limit ?? 200;
      const assets = all.slice(offset, offset + limit);
      // Every third one granted, the rest not asked yet.
      const rights = assets.map((a): RightsStatus => (a.id % 3 === 0 ? "granted" : "unrequested"));
      return { total: all.length, offset, assets, rights };
    },
  };
}
