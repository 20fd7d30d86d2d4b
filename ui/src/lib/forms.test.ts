import { describe, expect, it } from "vitest";
import { campaignFields, campaignFieldsOf, grantFields, localDate, splitList, toCampaignForm, toGrantForm } from "./forms";

describe("splitList", () => {
  it("splits on commas and drops blanks", () => {
    expect(splitList("US, gb ,, WORLDWIDE")).toEqual(["US", "gb", "WORLDWIDE"]);
    expect(splitList("  ")).toEqual([]);
  });
});

describe("toGrantForm", () => {
  it("starts worldwide, age not established, from a form", () => {
    const f = toGrantForm([5], { ...grantFields(), channels: ["web"], evidence: " #YesChorus " });
    expect(f).toEqual({
      asset_ids: [5],
      contributor_id: null,
      channels: ["web"],
      territories: ["WORLDWIDE"],
      valid_from: null,
      valid_until: null,
      age: "unknown",
      guardian: null,
      evidence: "#YesChorus",
      source: "form",
    });
  });

  it("keeps dates and a minor's guardian", () => {
    const f = toGrantForm([1, 2], {
      ...grantFields(),
      territories: "US, CA",
      from: "2025-06-01",
      until: "2025-12-31",
      age: "minor",
      guardian: " Pat Lee ",
      source: "release",
    });
    expect(f.territories).toEqual(["US", "CA"]);
    expect(f.valid_from).toBe("2025-06-01");
    expect(f.valid_until).toBe("2025-12-31");
    expect(f.guardian).toBe("Pat Lee");
    expect(f.source).toBe("release");
  });

  it("sends no guardian for an adult", () => {
    expect(toGrantForm([1], { ...grantFields(), age: "adult", guardian: "Pat" }).guardian).toBeNull();
  });
});

describe("campaign form", () => {
  it("shapes the fields for campaign_create", () => {
    const f = { ...campaignFields("2025-05-01"), name: " Summer ", territories: "US,GB", endsOn: "2025-08-31" };
    expect(toCampaignForm(f)).toEqual({
      name: "Summer",
      channels: ["web"],
      territories: ["US", "GB"],
      starts_on: "2025-05-01",
      ends_on: "2025-08-31",
    });
  });

  it("writes today as a date input holds it", () => {
    expect(localDate(new Date(2025, 0, 9))).toBe("2025-01-09");
  });
});

describe("campaignFieldsOf", () => {
  it("fills the form from a campaign and gives back the same usage", () => {
    const usage = { channels: ["web", "social"] as const, territories: ["US", "GB"], starts_on: "2025-06-01", ends_on: "2025-08-31" };
    const f = campaignFieldsOf({ id: 3, name: "Summer fans", usage: { ...usage, channels: [...usage.channels] } });
    expect(f).toEqual({ name: "Summer fans", channels: ["web", "social"], territories: "US, GB", startsOn: "2025-06-01", endsOn: "2025-08-31" });
    expect(toCampaignForm(f)).toEqual({ name: "Summer fans", ...usage, channels: ["web", "social"] });
  });
});
