// Turning the rights forms' fields into the engine's arguments. The engine validates the
// values (territory codes, date order, channels); this only shapes them.

import type { Age, Campaign, CampaignForm, UsageChannel, GrantForm } from "./bindings";

export const EVIDENCE_SOURCES = ["form", "email", "social", "release", "other"] as const;
export type EvidenceSource = (typeof EVIDENCE_SOURCES)[number];

/** "US, gb ,, WORLDWIDE" → ["US", "gb", "WORLDWIDE"]. */
export function splitList(text: string): string[] {
  return text
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

function dateOrNull(value: string): string | null {
  const v = value.trim();
  return v === "" ? null : v;
}

export interface GrantFields {
  channels: UsageChannel[];
  territories: string;
  from: string;
  until: string;
  age: Age;
  guardian: string;
  evidence: string;
  source: EvidenceSource;
}

export function grantFields(): GrantFields {
  return {
    channels: [],
    territories: "WORLDWIDE",
    from: "",
    until: "",
    // Nothing is assumed: an adult is recorded only when the evidence establishes it.
    age: "unknown",
    guardian: "",
    evidence: "",
    source: "form",
  };
}

export function toGrantForm(assetIds: number[], f: GrantFields): GrantForm {
  const guardian = f.guardian.trim();
  return {
    asset_ids: assetIds,
    contributor_id: null,
    channels: f.channels,
    territories: splitList(f.territories),
    valid_from: dateOrNull(f.from),
    valid_until: dateOrNull(f.until),
    age: f.age,
    guardian: f.age === "adult" || guardian === "" ? null : guardian,
    evidence: f.evidence.trim(),
    source: f.source,
  };
}

export interface CampaignFields {
  name: string;
  channels: UsageChannel[];
  territories: string;
  startsOn: string;
  endsOn: string;
}

export function campaignFields(today: string): CampaignFields {
  return { name: "", channels: ["web"], territories: "WORLDWIDE", startsOn: today, endsOn: today };
}

export function toCampaignForm(f: CampaignFields): CampaignForm {
  return {
    name: f.name.trim(),
    channels: f.channels,
    territories: splitList(f.territories),
    starts_on: f.startsOn,
    ends_on: f.endsOn,
  };
}

/** Today as YYYY-MM-DD in local time (what a date input holds). */
export function localDate(d: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The form's fields for editing an existing campaign's name and usage. */
export function campaignFieldsOf(c: Campaign): CampaignFields {
  return {
    name: c.name,
    channels: [...c.usage.channels],
    territories: c.usage.territories.join(", "),
    startsOn: c.usage.starts_on,
    endsOn: c.usage.ends_on,
  };
}
