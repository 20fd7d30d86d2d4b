import { describe, expect, it } from "vitest";
import { nextCue, withCue } from "./captions";

describe("the piece's captions", () => {
  it("add a new caption after the last, for two seconds, inside the piece", () => {
    expect(nextCue([], 15000)).toEqual({ start_ms: 0, end_ms: 2000, text: "" });
    const one = [{ start_ms: 1000, end_ms: 4000, text: "Hi" }];
    expect(nextCue(one, 15000)).toEqual({ start_ms: 4000, end_ms: 6000, text: "" });
    // Near the end, the new caption is moved back so all of it shows.
    const late = [{ start_ms: 12000, end_ms: 14500, text: "Bye" }];
    expect(nextCue(late, 15000)).toEqual({ start_ms: 13000, end_ms: 15000, text: "" });
  });

  it("change one caption and leave the rest", () => {
    const cues = [
      { start_ms: 0, end_ms: 1000, text: "a" },
      { start_ms: 1000, end_ms: 2000, text: "b" },
    ];
    const changed = withCue(cues, 1, { text: "B" });
    expect(changed[1]).toEqual({ start_ms: 1000, end_ms: 2000, text: "B" });
    expect(changed[0]).toBe(cues[0]);
  });
});
