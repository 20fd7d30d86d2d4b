import { describe, expect, it } from "vitest";
import { actionFor, LEGEND } from "./keys";

describe("actionFor", () => {
  it("moves focus with the arrows, extending the selection with Shift", () => {
    expect(actionFor({ key: "ArrowDown" })).toEqual({ type: "move", move: "down", extend: false });
    expect(actionFor({ key: "ArrowLeft", shiftKey: true })).toEqual({
      type: "move",
      move: "left",
      extend: true,
    });
    expect(actionFor({ key: "End" })).toEqual({ type: "move", move: "end", extend: false });
  });

  it("opens the asset with Space or Enter", () => {
    expect(actionFor({ key: " " })).toEqual({ type: "open" });
    expect(actionFor({ key: "Enter" })).toEqual({ type: "open" });
  });

  it("curates with P, S, X and U, either case", () => {
    expect(actionFor({ key: "p" })).toEqual({ type: "curate", curation: "shortlisted" });
    expect(actionFor({ key: "S" })).toEqual({ type: "curate", curation: "selected" });
    expect(actionFor({ key: "x" })).toEqual({ type: "curate", curation: "rejected" });
    expect(actionFor({ key: "u" })).toEqual({ type: "curate", curation: "new" });
  });

  it("rates with 0 to 5 and nothing else", () => {
    expect(actionFor({ key: "0" })).toEqual({ type: "rate", rating: 0 });
    expect(actionFor({ key: "5" })).toEqual({ type: "rate", rating: 5 });
    expect(actionFor({ key: "6" })).toBeNull();
  });

  it("opens the tag input with T and clears with Escape", () => {
    expect(actionFor({ key: "t" })).toEqual({ type: "tag" });
    expect(actionFor({ key: "Escape" })).toEqual({ type: "escape" });
  });

  it("leaves shortcuts with Ctrl, Cmd or Alt to the system", () => {
    expect(actionFor({ key: "s", ctrlKey: true })).toBeNull();
    expect(actionFor({ key: "p", metaKey: true })).toBeNull();
    expect(actionFor({ key: "ArrowDown", altKey: true })).toBeNull();
    expect(actionFor({ key: "1", ctrlKey: true })).toBeNull();
  });

  it("ignores keys it has no use for", () => {
    expect(actionFor({ key: "a" })).toBeNull();
    expect(actionFor({ key: "Tab" })).toBeNull();
  });
});

describe("LEGEND", () => {
  it("shows every curation key the grid answers to", () => {
    const shown = LEGEND.flatMap((e) => e.keys);
    for (const key of ["P", "S", "X", "T", "Space", "0–5"]) expect(shown).toContain(key);
    for (const key of ["P", "S", "X", "U", "T"]) expect(actionFor({ key })).not.toBeNull();
  });
});
