import { beforeEach, describe, expect, it } from "vitest";
import { item, montageDoc } from "../testing/pieces";
import { clearDrafts, hasDraft, keepDraft, takeDraft } from "./drafts";
import { edit, start } from "./history";

const doc = montageDoc([item(1, 0, 3000), item(2, 0, 3000)]);

describe("unsaved drafts", () => {
  beforeEach(clearDrafts);

  it("come back when the same version of the piece opens again, once", () => {
    const h = edit(start(doc), { ...doc, name: "Mine" });
    keepDraft(11, 2, h);
    expect(hasDraft(11)).toBe(true);
    expect(takeDraft(11, 2)).toBe(h);
    expect(takeDraft(11, 2)).toBeNull();
  });

  it("are dropped when the piece was saved since, or nothing was edited", () => {
    keepDraft(11, 2, edit(start(doc), { ...doc, name: "Mine" }));
    expect(takeDraft(11, 3)).toBeNull();
    keepDraft(12, 1, start(doc));
    expect(hasDraft(12)).toBe(false);
  });
});
