import { describe, expect, it } from "vitest";
import type { AuditEvent } from "./bindings";
import { historyLine, listed, localTime, longDay, whereText } from "./rightsHistory";

const ev = (action: string, detail: unknown, at = "2026-06-02T14:05:00.000000Z"): AuditEvent => ({
  id: 1,
  at,
  actor: "desktop",
  action,
  contributor_id: 1,
  asset_id: 2,
  grant_id: 3,
  detail: detail as AuditEvent["detail"],
});

describe("the rights history, as sentences", () => {
  it("says who granted what, where, until when and how, and quotes their words", () => {
    const line = historyLine(
      ev("grant", {
        channels: ["web", "social"],
        territories: ["WORLDWIDE"],
        valid_from: "2026-06-02",
        valid_until: "2028-06-02",
        age: "adult",
        evidence: "I agree that Lumio may use my photo.",
        evidence_source: "form",
      }),
      "Ana Souza",
      "UTC",
    );
    expect(line.sentence).toBe(
      "Ana Souza granted web and social use, worldwide, until 2 June 2028, through the submission form.",
    );
    expect(line.quote).toBe("I agree that Lumio may use my photo.");
  });

  it("shows the time in the reader's zone, not UTC", () => {
    expect(localTime("2026-06-02T14:05:00Z", "UTC")).toBe("2 Jun 2026, 14:05");
    expect(localTime("2026-06-02T14:05:00Z", "America/Sao_Paulo")).toBe("2 Jun 2026, 11:05");
    expect(localTime("2026-06-02T23:30:00Z", "Asia/Tokyo")).toBe("3 Jun 2026, 08:30");
    expect(historyLine(ev("seal", {}), "x", "Asia/Tokyo").when).toBe("2 Jun 2026, 23:05");
  });

  it("names countries and days in words, and a grant with no end as such", () => {
    expect(whereText(["US", "ca"])).toBe("in United States and Canada");
    expect(longDay("2028-06-02")).toBe("2 June 2028");
    expect(listed(["a", "b", "c"])).toBe("a, b and c");
    const open = historyLine(ev("grant", { channels: ["print"], territories: ["DE"], valid_until: null }), "Jo", "UTC");
    expect(open.sentence).toBe("Jo granted print use, in Germany, with no end date.");
    const minor = historyLine(
      ev("grant", { channels: ["web"], territories: ["WORLDWIDE"], age: "minor", guardian: "Maria Souza", evidence_source: "release" }),
      "Leo",
      "UTC",
    );
    expect(minor.sentence).toBe(
      "Leo granted web use, worldwide, with no end date, as a minor with Maria Souza's consent, with a signed release.",
    );
  });

  it("says a withdrawal, a refusal, an edit and an override plainly", () => {
    expect(historyLine(ev("revoke", { revoked_on: "2026-12-01", reason: "Please stop", source: "email" }), "Ana", "UTC"))
      .toMatchObject({ sentence: "Ana withdrew consent from 1 December 2026, by e-mail.", quote: "Please stop" });
    expect(historyLine(ev("deny", { evidence: "No thanks", evidence_source: "email" }), "Ana", "UTC")).toMatchObject({
      sentence: "Ana said no, by e-mail.",
      quote: "No thanks",
    });
    const edit = historyLine(
      ev("edit", {
        reason: "extended",
        after: { channels: '["web"]', territories: '["WORLDWIDE"]', valid_until: "2029-01-01" },
      }),
      "Ana",
      "UTC",
    );
    expect(edit.sentence).toBe("The grant was changed to web use, worldwide, until 1 January 2029.");
    expect(edit.quote).toBe("extended");
    const o = historyLine(
      ev("override", { campaign: "Summer", reason: "legal ok", authorised_by: "Dana (legal)" }),
      "Ana",
      "UTC",
    );
    expect(o.sentence).toBe("Dana (legal) overrode the rights check for the campaign Summer.");
  });

  it("falls back to the action and its detail for anything it does not know", () => {
    const line = historyLine(ev("import_note", { note: "hello" }), "Ana", "UTC");
    expect(line.sentence).toBe("Import note: note: hello.");
    expect(line.recordedBy).toBe("desktop");
  });
});

describe("a grant as filled in, in words", () => {
  const form = (patch: Partial<import("./bindings").GrantForm>) => ({
    asset_ids: [1],
    contributor_id: null,
    channels: ["web", "social"] as import("./bindings").UsageChannel[],
    territories: ["WORLDWIDE"],
    valid_from: null,
    valid_until: "2028-06-02",
    age: "adult" as const,
    guardian: null,
    evidence: "yes",
    source: "form",
    ...patch,
  });

  it("says what it would allow", async () => {
    const { scopeSummary } = await import("./rightsHistory");
    expect(scopeSummary(form({}))).toBe("This allows web and social use, worldwide, from today until 2 June 2028.");
    expect(scopeSummary(form({ channels: [] }))).toBe("Tick the channels they agreed to.");
    expect(scopeSummary(form({ territories: ["GB"], valid_until: null, valid_from: "2026-12-01" }))).toBe(
      "This allows web and social use, in United Kingdom, from 1 December 2026 with no end date.",
    );
  });

  it("warns what the gate will still block", async () => {
    const { scopeSummary } = await import("./rightsHistory");
    expect(scopeSummary(form({ age: "unknown", channels: ["web", "paid_social", "tv"] }))).toBe(
      "This allows web, paid social and TV use, worldwide, from today until 2 June 2028. Paid social and TV stay blocked until they are known to be an adult.",
    );
    expect(scopeSummary(form({ age: "minor", guardian: null }))).toContain("clears nothing without a guardian's consent");
  });
});

describe("a history edited by hand", () => {
  it("still reads, whatever the detail holds", () => {
    const odd = [
      ev("grant", [1, 2]),
      ev("grant", { channels: "not json", territories: 5, valid_until: 42, evidence: { no: 1 } }),
      ev("revoke", { revoked_on: "someday", reason: null }),
      ev("edit", { after: "garbage" }),
      ev("grant", {}, "not a time"),
    ];
    for (const e of odd) {
      const line = historyLine(e, "Ana", "UTC");
      expect(line.sentence.length).toBeGreaterThan(0);
    }
    expect(historyLine(odd[2], "Ana", "UTC").sentence).toBe("Ana withdrew consent from someday.");
    expect(historyLine(odd[4], "Ana", "UTC").when).toBe("not a time");
  });
});
