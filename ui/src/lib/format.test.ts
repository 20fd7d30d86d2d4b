import { describe, expect, it } from "vitest";
import {
  channelLabel,
  contributorLabel,
  contributorQuery,
  describeDetail,
  fileName,
  formatBytes,
  formatDuration,
  formatTimestamp,
  humanize,
  newestFirst,
  plural,
} from "./format";
import type { AuditEvent } from "./bindings";

describe("format", () => {
  it("counts in words", () => {
    expect(plural(1, "asset")).toBe("1 asset");
    expect(plural(0, "asset")).toBe("0 assets");
    expect(plural(100000, "asset")).toBe("100000 assets");
  });

  it("sizes files", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(2048)).toBe("2.0 KB");
    expect(formatBytes(35 * 1024 * 1024)).toBe("35 MB");
  });

  it("times clips", () => {
    expect(formatDuration(7300)).toBe("0:07");
    expect(formatDuration(62_000)).toBe("1:02");
    expect(formatDuration(3_723_000)).toBe("1:02:03");
  });

  it("shortens timestamps and paths", () => {
    // An instant in the reader's zone; a camera's zone-less clock time as written.
    expect(formatTimestamp("2025-05-01T10:22:33.123Z", "UTC")).toBe("1 May 2025, 10:22");
    expect(formatTimestamp("2025-05-01T10:22:33.123Z", "America/New_York")).toBe("1 May 2025, 06:22");
    expect(formatTimestamp("2025-05-01T10:22:33+02:00", "UTC")).toBe("1 May 2025, 08:22");
    expect(formatTimestamp("2025-05-01T10:22:33")).toBe("2025-05-01 10:22");
    expect(formatTimestamp("2025-05-01")).toBe("2025-05-01");
    expect(fileName("/home/sam/in/IMG_0042.jpg")).toBe("IMG_0042.jpg");
    expect(fileName("C:\\Users\\sam\\clip.mov")).toBe("clip.mov");
  });

  it("names channels, states and contributors", () => {
    expect(channelLabel("paid_social")).toBe("Paid social");
    expect(channelLabel("tv")).toBe("TV");
    expect(humanize("near_duplicate")).toBe("Near duplicate");
    const c = { id: 3, name: "Sam Lee", email: "sam@example.com", handle: "@samlee" };
    expect(contributorLabel(c)).toBe("@samlee");
    expect(contributorQuery({ ...c, handle: null })).toBe("sam@example.com");
    expect(contributorLabel({ id: 9, name: null, email: null, handle: null })).toBe("Contributor 9");
  });

  it("writes an audit detail as one line", () => {
    expect(describeDetail({ channels: ["web", "social"], reason: "asked to", empty: [], gone: null })).toBe(
      "channels: web, social; reason: asked to",
    );
    expect(describeDetail(null)).toBe("");
  });

  it("orders history newest first", () => {
    const ev = (id: number, at: string): AuditEvent => ({
      id,
      at,
      actor: "me",
      action: "granted",
      contributor_id: null,
      asset_id: 1,
      grant_id: null,
      detail: null,
    });
    const sorted = newestFirst([ev(1, "2025-01-01T10:00"), ev(3, "2025-03-01T10:00"), ev(2, "2025-03-01T10:00")]);
    expect(sorted.map((e) => e.id)).toEqual([3, 2, 1]);
  });
});
