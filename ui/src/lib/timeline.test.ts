import { describe, expect, it } from "vitest";
import type { Item } from "./bindings";
import type { MontageDoc } from "./piece";
import { clampMs, dragEdge, dropIndex, itemAt, layout, markAt, msAt, shuttle, step, timecode, wavePath } from "./timeline";

const clip = (asset_id: number, in_ms: number, out_ms: number, transition?: Item["transition"]): Item =>
  ({ asset_id, kind: "clip", in_ms, out_ms, transition: transition ?? { kind: "cut", duration_ms: 0 } }) as Item;
const photo = (asset_id: number, ms: number): Item => ({ asset_id, kind: "photo", in_ms: 0, out_ms: ms }) as Item;

function doc(items: Item[], cards = true): MontageDoc {
  return {
    kind: "montage",
    items,
    intro_card: cards,
    outro_card: cards,
    card_ms: 1000,
    outro_fade_ms: 0,
  } as unknown as MontageDoc;
}

describe("timeline layout", () => {
  it("puts the cards at the ends and overlaps a crossfade", () => {
    const l = layout(doc([clip(1, 0, 2000), clip(2, 0, 2000, { kind: "crossfade", duration_ms: 500 }), photo(3, 1500)]));
    expect(l.intro).toEqual({ from: 0, to: 1000 });
    expect(l.items[0]).toEqual({ from: 1000, to: 3000 });
    expect(l.items[1]).toEqual({ from: 2500, to: 4500 });
    expect(l.items[2]).toEqual({ from: 4500, to: 6000 });
    expect(l.total).toBe(7000);
    expect(l.outro).toEqual({ from: 6000, to: 7000 });
  });

  it("finds the shot under the playhead, the later one in a crossfade", () => {
    const l = layout(doc([clip(1, 0, 2000), clip(2, 0, 2000, { kind: "crossfade", duration_ms: 500 })], false));
    expect(itemAt(l, 100)).toEqual({ index: 0, offset: 100 });
    expect(itemAt(l, 1600)).toEqual({ index: 1, offset: 100 });
    expect(itemAt(l, 9000)).toBeNull();
  });

  it("lands a dragged block among the others by their middles", () => {
    const l = layout(doc([clip(1, 0, 1000), clip(2, 0, 1000), clip(3, 0, 1000)], false));
    expect(dropIndex(l, 0, 2600)).toBe(2);
    expect(dropIndex(l, 2, 100)).toBe(0);
    expect(dropIndex(l, 1, 1400)).toBe(1);
  });
});

describe("playhead", () => {
  it("snaps to frames inside the piece", () => {
    expect(clampMs(-50, 3000)).toBe(0);
    expect(clampMs(99_999, 3000)).toBe(2967);
    expect(clampMs(1010, 3000)).toBe(1000);
    expect(msAt(80, 80, 3000)).toBe(1000);
  });

  it("steps a frame or a second", () => {
    expect(step(1000, 1, 3000)).toBe(1033);
    expect(step(1033, -1, 3000)).toBe(1000);
    expect(step(0, -1, 3000)).toBe(0);
    expect(step(2500, 1, 3000, true)).toBe(2967);
  });

  it("shuttles with J, K and L", () => {
    expect(shuttle(0, "l")).toBe(1);
    expect(shuttle(1, "l")).toBe(2);
    expect(shuttle(8, "l")).toBe(8);
    expect(shuttle(2, "j")).toBe(-1);
    expect(shuttle(-1, "j")).toBe(-2);
    expect(shuttle(-4, "k")).toBe(0);
  });

  it("reads as a timecode", () => {
    expect(timecode(0)).toBe("0:00.00");
    expect(timecode(61_500)).toBe("1:01.15");
  });
});

describe("trimming", () => {
  it("drags a clip's edges inside the clip, a photo's length only", () => {
    expect(dragEdge(clip(1, 1000, 3000), "in", 500, 5000)).toMatchObject({ in_ms: 1500, out_ms: 3000 });
    expect(dragEdge(clip(1, 1000, 3000), "in", -5000, 5000)).toMatchObject({ in_ms: 0 });
    expect(dragEdge(clip(1, 1000, 3000), "out", 9000, 5000)).toMatchObject({ out_ms: 5000 });
    expect(dragEdge(clip(1, 1000, 3000), "out", -9000, 5000)).toMatchObject({ out_ms: 1200 });
    expect(dragEdge(photo(2, 2000), "out", 500, null)).toMatchObject({ out_ms: 2500 });
    expect(dragEdge(photo(2, 2000), "in", 500, null)).toMatchObject({ in_ms: 0, out_ms: 2000 });
  });

  it("marks in and out at the playhead", () => {
    expect(markAt(clip(1, 1000, 3000), 400, "in", 5000)).toMatchObject({ in_ms: 1400, out_ms: 3000 });
    expect(markAt(clip(1, 1000, 3000), 400, "out", 5000)).toMatchObject({ in_ms: 1000, out_ms: 1400 });
    expect(markAt(photo(2, 2000), 700, "out", null)).toMatchObject({ out_ms: 700 });
  });
});

it("draws a waveform as a closed path", () => {
  expect(wavePath([], 100, 20)).toBe("");
  expect(wavePath([1, 0], 100, 20)).toBe("M0.0,0.0L50.0,10.0L50.0,10.0L0.0,20.0Z");
});
