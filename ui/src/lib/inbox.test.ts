import { describe, expect, it, vi } from "vitest";

vi.mock(import("./api"), async (original) => ({ ...(await original()), api: {} as never }));

import type { FileResult } from "./bindings";
import { arrived, inbox, seen } from "./inbox.svelte";

const result = (status: FileResult["status"]): FileResult => ({
  path: "/inbox/a.jpg",
  status,
  asset_id: status === "ingested" ? 1 : null,
  duplicate_of: status === "duplicate" ? 1 : null,
  error_kind: null,
  error: null,
  note: null,
});

describe("inbox arrivals", () => {
  it("counts new files until the Inbox is seen, not copies already in", () => {
    arrived(result("ingested"));
    arrived(result("duplicate"));
    arrived(result("near_duplicate"));
    expect(inbox.unseen).toBe(2);
    expect(inbox.seq).toBe(3);
    seen();
    expect(inbox.unseen).toBe(0);
  });
});
