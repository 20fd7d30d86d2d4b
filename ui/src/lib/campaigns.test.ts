import { describe, expect, it } from "vitest";
import {
  LENGTHS,
  PRESETS,
  channelsText,
  pieceLength,
  presetAspect,
  presetLabel,
  runState,
  runText,
  seconds,
  suggestName,
  territoriesText,
} from "./campaigns";
import type { Usage } from "./bindings";

const usage: Usage = {
  channels: ["web", "paid_social"],
  territories: ["US", "GB"],
  starts_on: "2025-06-01",
  ends_on: "2025-08-31",
};

describe("campaign screen words", () => {
  it("names presets and their shapes", () => {
    expect(PRESETS).toEqual(["hero_16x9", "story_9x16", "square_1x1", "feed_4x5"]);
    expect(presetLabel("story_9x16")).toBe("9:16 story");
    expect(presetLabel("hero_16x9", true)).toBe("16:9 homepage hero (1920×1080)");
    expect(presetAspect("feed_4x5")).toBe("4 / 5");
    expect(LENGTHS).toEqual([6, 15, 30, 60]);
  });

  it("prints a campaign's usage", () => {
    expect(channelsText(usage)).toBe("Web, Paid social");
    expect(territoriesText(usage)).toBe("US, GB");
    expect(runText(usage)).toBe("2025-06-01 – 2025-08-31");
  });

  it("says where the run stands, dates included", () => {
    expect(runState(usage, "2025-05-31")).toBe("upcoming");
    expect(runState(usage, "2025-06-01")).toBe("running");
    expect(runState(usage, "2025-08-31")).toBe("running");
    expect(runState(usage, "2025-09-01")).toBe("ended");
  });

  it("gives a piece's length, or says it is a picture", () => {
    expect(seconds(15_000)).toBe("15.0 s");
    expect(pieceLength({ kind: "montage", duration_ms: 14_967 })).toBe("15.0 s");
    expect(pieceLength({ kind: "mosaic", duration_ms: 0 })).toBe("picture");
    expect(pieceLength({ kind: "mosaic", duration_ms: 6000 })).toBe("6.0 s");
    expect(pieceLength({ kind: "still", duration_ms: 0 })).toBe("picture");
  });

  it("suggests a name the campaign does not use yet", () => {
    expect(suggestName("9:16 story 15 s", [])).toBe("9:16 story 15 s");
    expect(suggestName("9:16 story 15 s", ["9:16 Story 15 s", "9:16 story 15 s (2)"])).toBe("9:16 story 15 s (3)");
  });
});
