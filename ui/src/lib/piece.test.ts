import { describe, expect, it } from "vitest";
import { asset } from "../testing/fixtures";
import { item, montageDoc } from "../testing/pieces";
import type { Item } from "./bindings";
import {
  DEFAULT_TRANSITION_MS,
  MIN_ITEM_MS,
  clampTrim,
  creditFor,
  docAssetIds,
  durationMs,
  frames,
  msOf,
  newItem,
  newMosaicDoc,
  newStillDoc,
  offTarget,
  photoLength,
  previewsAsVideo,
  rename,
  targetMs,
  toggleTile,
  totalText,
  trimIn,
  trimOut,
  updateItem,
  withItems,
  withMontage,
  withPreset,
  withTransitionKind,
  withTransitionMs,
} from "./piece";

describe("the running total (the engine's rule, for display)", () => {
  it("counts whole frames at 30 fps and rounds as the engine does", () => {
    expect(frames(1000)).toBe(30);
    expect(frames(1001)).toBe(30);
    expect(frames(1017)).toBe(31);
    expect(msOf(31)).toBe(1033);
    expect(frames(msOf(31))).toBe(31);
    expect(msOf(450)).toBe(15_000);
  });

  it("adds shots and brand cards and takes off crossfade overlaps", () => {
    const doc = montageDoc([item(1, 0, 3000), item(2, 0, 3000, { transition: { kind: "crossfade", duration_ms: 500 } }), item(3, 0, 3000)], {
      intro_card: true,
      outro_card: true,
      card_ms: 1500,
      target_ms: 15_000,
    });
    // 3 × 90 frames + 2 × 45 − 15 = 345 frames.
    expect(durationMs(doc)).toBe(11_500);
    expect(totalText(durationMs(doc), targetMs(doc))).toBe("11.5 s of 15 s");
    expect(offTarget(durationMs(doc), targetMs(doc))).toBe(true);
  });

  it("ignores a crossfade on the first shot and dips to black add nothing", () => {
    const doc = montageDoc([
      item(1, 0, 5000, { transition: { kind: "crossfade", duration_ms: 1000 } }),
      item(2, 2000, 7000, { transition: { kind: "dip_to_black", duration_ms: 400 } }),
      item(3, 0, 5000),
    ]);
    expect(durationMs(doc)).toBe(15_000);
    expect(totalText(15_000, 15_000)).toBe("15.0 s of 15 s");
    expect(offTarget(15_000, 15_000)).toBe(false);
    // Within a frame is on target.
    expect(offTarget(15_010, 15_000)).toBe(false);
  });

  it("says only the total when the piece has no target", () => {
    expect(totalText(12_345, 0)).toBe("12.3 s");
    expect(offTarget(12_345, 0)).toBe(false);
    expect(totalText(7500, 7500)).toBe("7.5 s of 7.5 s");
  });

  it("runs a mosaic for its animated length and a still not at all", () => {
    expect(durationMs(newMosaicDoc("Wall", "square_1x1", [1, 2]))).toBe(0);
    expect(durationMs({ ...newMosaicDoc("Wall", "square_1x1", [1]), animated_ms: 6000 })).toBe(6000);
    expect(durationMs(newStillDoc("One", "feed_4x5", asset(4)))).toBe(0);
  });
});

describe("trims", () => {
  const clip: Item = item(1, 2000, 5000, { kind: "clip" });

  it("keeps the in point at or after 0 and a shortest shot before the out point", () => {
    expect(trimIn(clip, 1000, 10_000).in_ms).toBe(1000);
    expect(trimIn(clip, -500, 10_000).in_ms).toBe(0);
    expect(trimIn(clip, 4990, 10_000).in_ms).toBe(5000 - MIN_ITEM_MS);
    expect(trimIn(clip, 9000, 10_000).in_ms).toBe(5000 - MIN_ITEM_MS);
  });

  it("keeps the out point after the in point and inside the clip", () => {
    expect(trimOut(clip, 8000, 10_000).out_ms).toBe(8000);
    expect(trimOut(clip, 12_000, 10_000).out_ms).toBe(10_000);
    expect(trimOut(clip, 1000, 10_000).out_ms).toBe(2000 + MIN_ITEM_MS);
    // A clip of unknown length: no upper bound.
    expect(trimOut(clip, 12_000, null).out_ms).toBe(12_000);
  });

  it("rounds to whole milliseconds and changes nothing else", () => {
    const next = trimIn(clip, 1234.6, 10_000);
    expect(next).toEqual({ ...clip, in_ms: 1235 });
    expect(clip.in_ms).toBe(2000);
  });

  it("brings a trim longer than its clip back inside it", () => {
    expect(clampTrim(item(1, 0, 9000, { kind: "clip" }), 4000)).toMatchObject({ in_ms: 0, out_ms: 4000 });
    expect(clampTrim(item(1, 3900, 9000, { kind: "clip" }), 4000)).toMatchObject({ in_ms: 3800, out_ms: 4000 });
    const fine = item(1, 0, 3000, { kind: "clip" });
    expect(clampTrim(fine, 4000)).toBe(fine);
    const photo = item(2, 0, 9000);
    expect(clampTrim(photo, 100)).toBe(photo);
  });

  it("holds a photo between the shortest shot and a minute", () => {
    expect(photoLength(item(2, 0, 3000), 4500)).toMatchObject({ in_ms: 0, out_ms: 4500 });
    expect(photoLength(item(2, 0, 3000), 10).out_ms).toBe(MIN_ITEM_MS);
    expect(photoLength(item(2, 0, 3000), 600_000).out_ms).toBe(60_000);
  });
});

describe("transitions", () => {
  it("gives a crossfade a length and a cut none", () => {
    const cut = item(1, 0, 3000);
    const fade = withTransitionKind(cut, "crossfade");
    expect(fade.transition).toEqual({ kind: "crossfade", duration_ms: DEFAULT_TRANSITION_MS });
    expect(withTransitionKind(withTransitionMs(fade, 800), "dip_to_black").transition).toEqual({
      kind: "dip_to_black",
      duration_ms: 800,
    });
    expect(withTransitionKind(fade, "cut").transition).toEqual({ kind: "cut", duration_ms: 0 });
    expect(withTransitionMs(cut, 500).transition?.duration_ms).toBe(0);
    expect(withTransitionMs(fade, -20).transition?.duration_ms).toBe(0);
  });
});

describe("document edits", () => {
  const doc = montageDoc([item(1, 0, 3000), item(2, 0, 3000)]);

  it("return a new document and leave the old one as it was", () => {
    const before = structuredClone(doc);
    const renamed = rename(doc, "Summer cut");
    const story = withPreset(doc, "story_9x16");
    const edited = updateItem(doc, 1, (it) => ({ ...it, credit: "@ana" }));
    const cards = withMontage(doc, { intro_card: false });
    expect(renamed.name).toBe("Summer cut");
    expect(story.preset).toBe("story_9x16");
    // The same storyboard, just another shape.
    expect(story.items).toBe(doc.items);
    expect(edited.items[1].credit).toBe("@ana");
    expect(edited.items[0]).toBe(doc.items[0]);
    expect(cards.intro_card).toBe(false);
    expect(doc).toEqual(before);
  });

  it("ignores an edit of a card that is not there", () => {
    expect(updateItem(doc, 5, (it) => ({ ...it, credit: "x" }))).toBe(doc);
  });

  it("replaces the items", () => {
    const one = withItems(doc, [doc.items[1]]);
    expect(one.items.map((i) => i.asset_id)).toEqual([2]);
    expect(doc.items).toHaveLength(2);
  });

  it("toggles mosaic tiles", () => {
    const wall = newMosaicDoc("Wall", "square_1x1", [1, 2]);
    expect(toggleTile(wall, 3).asset_ids).toEqual([1, 2, 3]);
    expect(toggleTile(wall, 1).asset_ids).toEqual([2]);
    expect(wall.asset_ids).toEqual([1, 2]);
  });

  it("lists the assets a document uses, once each", () => {
    expect(docAssetIds(montageDoc([item(4, 0, 1000), item(2, 0, 1000), item(4, 0, 500)]))).toEqual([4, 2]);
    expect(docAssetIds(newStillDoc("One", "feed_4x5", asset(9)))).toEqual([9]);
  });

  it("previews as video only what renders as video", () => {
    expect(previewsAsVideo(doc)).toBe(true);
    expect(previewsAsVideo(montageDoc([]))).toBe(false);
    expect(previewsAsVideo(newMosaicDoc("Wall", "square_1x1", [1]))).toBe(false);
    expect(previewsAsVideo({ ...newMosaicDoc("Wall", "square_1x1", [1]), animated_ms: 6000 })).toBe(true);
    expect(previewsAsVideo(newStillDoc("One", "feed_4x5", asset(9)))).toBe(false);
  });
});

describe("new cards and pieces", () => {
  const sam = { id: 7, name: "Sam Lee", email: null, handle: "@samlee" };

  it("takes a clip's middle three seconds, credited to its contributor", () => {
    const clip = asset(5, { kind: "clip", duration_ms: 9000, contributor: sam });
    expect(newItem(clip)).toEqual({
      asset_id: 5,
      source_hash: clip.hash,
      kind: "clip",
      in_ms: 3000,
      out_ms: 6000,
      pan_zoom: false,
      fit: "blurred_fill",
      transition: { kind: "cut", duration_ms: 0 },
      credit: "@samlee",
    });
    expect(newItem(asset(6, { kind: "clip", duration_ms: 1200 }))).toMatchObject({ in_ms: 0, out_ms: 1200 });
  });

  it("holds a photo three seconds with a slow pan and zoom", () => {
    expect(newItem(asset(8))).toMatchObject({ kind: "photo", in_ms: 0, out_ms: 3000, pan_zoom: true, credit: "" });
  });

  it("credits the handle, else the name", () => {
    expect(creditFor(asset(1, { contributor: sam }))).toBe("@samlee");
    expect(creditFor(asset(1, { contributor: { ...sam, handle: null } }))).toBe("Sam Lee");
  });

  it("makes mosaic and still documents the engine reads", () => {
    expect(newMosaicDoc("Wall of fans", "square_1x1", [3, 4])).toEqual({
      format: 1,
      name: "Wall of fans",
      preset: "square_1x1",
      kind: "mosaic",
      asset_ids: [3, 4],
      layout: "grid",
      brand_overlay: true,
      animated_ms: 0,
      music_bed: true,
      target_lufs: -14,
    });
    expect(newStillDoc("Sam", "feed_4x5", asset(3, { contributor: sam }))).toEqual({
      format: 1,
      name: "Sam",
      preset: "feed_4x5",
      kind: "still",
      asset_id: 3,
      credit: "@samlee",
    });
  });
});

describe("sound, captions and the beat", () => {
  it("places items on the timeline and tells cuts on the beat", async () => {
    const { itemStarts, onBeat, beatsIn, montageFrames } = await import("./piece");
    const m = montageDoc([item(1, 0, 2400), item(2, 0, 3000, { transition: { kind: "crossfade", duration_ms: 600 } })], {
      intro_card: true,
      outro_card: true,
      card_ms: 1800,
      outro_fade_ms: 500,
    });
    expect(itemStarts(m)).toEqual([1800, 3600]);
    // 1.8 + 2.4 + 3.0 - 0.6 + 1.8 - 0.5 s
    expect(montageFrames(m)).toBe(237);
    const grid = { period_ms: 600, offset_ms: 0 };
    expect(onBeat(grid, 4200)).toBe(true);
    expect(onBeat(grid, 4233)).toBe(true);
    expect(onBeat(grid, 4300)).toBe(false);
    expect(beatsIn(grid, 1000, 2500)).toEqual([1200, 1800, 2400]);
  });

  it("keeps a typed caption to the whole shot and cuts file captions to a shorter trim", async () => {
    const { withTypedCaption, typedCaption, updateItem, withSound, soundOf } = await import("./piece");
    let doc = montageDoc([withTypedCaption(item(1, 0, 3000), "Hello")]);
    expect(typedCaption(doc.items[0])).toBe("Hello");
    doc = updateItem(doc, 0, (it) => ({ ...it, out_ms: 2000 }));
    expect(doc.items[0].captions).toEqual([{ start_ms: 0, end_ms: 2000, text: "Hello" }]);
    const cues = [
      { start_ms: 500, end_ms: 1500, text: "a" },
      { start_ms: 1800, end_ms: 2500, text: "b" },
      { start_ms: 2600, end_ms: 2900, text: "c" },
    ];
    doc = updateItem(doc, 0, (it) => ({ ...it, captions: cues, out_ms: 2200 }));
    expect(doc.items[0].captions).toEqual([cues[0], { ...cues[1], end_ms: 2200 }]);
    expect(withTypedCaption(item(1, 0, 1000), "  ").captions).toEqual([]);
    expect(soundOf(withSound(item(1, 0, 1000), { lead_ms: 200 }))).toEqual({
      gain_db: 0,
      mute: false,
      lead_ms: 200,
      trail_ms: 0,
    });
  });
});
