import { describe, expect, it, vi } from "vitest";

vi.mock(import("./api"), async (original) => ({ ...(await original()), api: {} as never }));

import type { ReplyView } from "./bindings";
import { repliesSummary } from "./replies.svelte";

const r = (outcome: string): ReplyView => ({
  number: 1,
  from: "a@example.com",
  text: "",
  date: null,
  outcome,
  detail: "",
});

describe("repliesSummary", () => {
  it("counts each outcome in words", () => {
    expect(repliesSummary([r("granted"), r("granted"), r("needs_person"), r("revoked")])).toBe(
      "4 replies read: 2 granted, 1 withdrawn, 1 for a person",
    );
    expect(repliesSummary([r("already_imported")])).toBe("1 reply read: 1 imported before");
  });
});
