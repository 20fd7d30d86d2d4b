import { fireEvent, render, waitFor } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CampaignHome, CampaignSummary, DueGrant } from "../lib/bindings";
import { SUMMER, blockedAsset, pieceView } from "../testing/pieces";

const fake = vi.hoisted(() => ({
  campaignsOverview: vi.fn(),
  campaignCreate: vi.fn(),
  campaignUpdate: vi.fn(),
  pieceAuto: vi.fn(),
  pieceView: vi.fn(),
  beatGrid: vi.fn(async () => null),
  platforms: vi.fn(async () => []),
  brandView: vi.fn(async () => null),
  assetsBrowse: vi.fn(),
  wallStart: vi.fn(),
}));

vi.mock(import("../lib/api"), async (original) => ({ ...(await original()), api: fake as never }));

import { ApiError } from "../lib/api";
import { announce, app } from "../lib/appState.svelte";
import CampaignsView from "./CampaignsView.svelte";

const byId = (id: string) => document.getElementById(id);
const $ = <T extends Element = HTMLElement>(s: string) => document.querySelector<T>(s);

const COUNTS = { cleared: 5, awaiting: 2, unasked: 0, blocked: 1 };

function overview(blocked = false, expiring: DueGrant[] = []): CampaignHome {
  const campaigns: CampaignSummary[] = [
    {
      campaign: { ...SUMMER, usage: { ...SUMMER.usage, channels: ["web", "social"], territories: ["WORLDWIDE"] } },
      pieces: [
        {
          id: 11,
          name: "Summer story",
          kind: "montage",
          preset: "story_9x16",
          version: 2,
          duration_ms: 15_000,
          assets: 5,
          blocked: blocked ? [blockedAsset(4)] : [],
          poster: "abc123",
        },
        {
          id: 12,
          name: "Wall of fans",
          kind: "mosaic",
          preset: "square_1x1",
          version: 1,
          duration_ms: 0,
          assets: 9,
          blocked: [],
          poster: null,
        },
      ],
      assets: { ...COUNTS },
      expiring,
    },
  ];
  return { campaigns, new_this_week: 4 };
}

describe("CampaignsView", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    app.piece = null;
    app.view = "campaigns";
    fake.campaignsOverview.mockResolvedValue(overview());
    fake.assetsBrowse.mockResolvedValue({ total: 0, offset: 0, assets: [] });
  });

  it("lists campaigns with their usage and pieces", async () => {
    render(CampaignsView);
    await waitFor(() => expect(document.querySelectorAll(".piece-row")).toHaveLength(2));
    const c = $('.campaign[data-id="3"]')!;
    expect(c.querySelector("h3")?.textContent).toBe("Summer fans");
    expect(c.querySelector(".usage-channels")?.textContent).toBe("Web, Social");
    expect(c.querySelector(".usage-territories")?.textContent).toBe("WORLDWIDE");
    expect(c.querySelector(".usage-dates")?.textContent).toBe("2025-06-01 – 2025-08-31");
    const story = $('.piece-row[data-id="11"]')!;
    expect(story.querySelector(".kind")?.textContent).toBe("Montage");
    expect(story.querySelector(".preset")?.textContent).toBe("9:16 story");
    expect(story.querySelector(".length")?.textContent).toBe("15.0 s");
    expect($('.piece-row[data-id="12"] .length')?.textContent).toBe("picture");
    expect($(".blocked-badge")).toBeNull();
    // The home: where its assets stand, a poster per piece, and this week's arrivals.
    expect(c.querySelector(".count.cleared")?.textContent?.trim()).toBe("5 cleared");
    expect(c.querySelector(".count.awaiting")?.textContent?.trim()).toBe("2 awaiting an answer");
    expect(c.querySelector(".count.unasked")?.classList.contains("none")).toBe(true);
    expect(c.querySelector(".count.blocked")?.textContent?.trim()).toBe("1 blocked");
    expect(story.querySelector(".poster img")?.getAttribute("src")).toContain("abc123");
    expect($('.piece-row[data-id="12"] .poster img')).toBeNull();
    expect(byId("new-this-week")?.textContent?.trim()).toBe("4 new submissions this week");
  });

  it("takes one click from a count to the problem", async () => {
    render(CampaignsView);
    await waitFor(() => expect($(".count.awaiting")).not.toBeNull());
    await fireEvent.click($(".count.awaiting")!);
    expect(app.view).toBe("rights");
    app.view = "campaigns";
    await fireEvent.click($(".count.cleared")!);
    expect(app.view).toBe("library");
    expect(app.filters.rights).toBe("granted");
    app.filters.rights = "";
    app.view = "campaigns";
    // Blocked assets: the piece they block, whose banner says why.
    fake.campaignsOverview.mockResolvedValue(overview(true));
    fake.pieceView.mockResolvedValue(pieceView(2));
    announce("panel", [4]);
    await waitFor(() => expect($(".blocked-badge")).not.toBeNull());
    await fireEvent.click($(".count.blocked")!);
    expect(app.piece).toBe(11);
    app.piece = null;
    await waitFor(() => expect(byId("new-this-week")).not.toBeNull());
    await fireEvent.click(byId("new-this-week")!);
    expect(app.view).toBe("inbox");
  });

  it("badges a blocked piece after a rights change elsewhere", async () => {
    render(CampaignsView);
    await waitFor(() => expect($(".piece-row")).not.toBeNull());
    fake.campaignsOverview.mockResolvedValue(overview(true));
    announce("panel", [4]);
    await waitFor(() => expect($('.piece-row[data-id="11"] .blocked-badge')?.textContent?.trim()).toBe("Blocked: 1 asset"));
    expect($('.piece-row[data-id="11"] .blocked-badge')?.getAttribute("title")).toContain("permission was revoked");
  });

  it("lists the permissions its assets rely on that end within 30 days", async () => {
    fake.campaignsOverview.mockResolvedValue(
      overview(false, [
        {
          grant_id: 9,
          contributor_id: 2,
          contributor: "@ana",
          asset_id: 4,
          original_name: "beach.mp4",
          valid_until: "2026-12-20",
          reason: "ends in 20 day(s)",
        },
      ]),
    );
    render(CampaignsView);
    await waitFor(() => expect($(".campaign .expiring")).not.toBeNull());
    const row = $('.campaign .expiring li[data-grant="9"]')!;
    expect(row.textContent).toContain("beach.mp4");
    expect(row.textContent).toContain("until 20 December 2026");
    expect(row.textContent).toContain("ends in 20 day(s)");
  });

  it("reloads when the window comes back into focus", async () => {
    render(CampaignsView);
    await waitFor(() => expect(fake.campaignsOverview).toHaveBeenCalledTimes(1));
    await fireEvent.focus(window);
    await waitFor(() => expect(fake.campaignsOverview).toHaveBeenCalledTimes(2));
  });

  it("creates a campaign", async () => {
    fake.campaignsOverview.mockResolvedValue({ campaigns: [], new_this_week: 0 });
    render(CampaignsView);
    await waitFor(() => expect(byId("campaigns-empty")).not.toBeNull());
    await fireEvent.click(byId("campaign-new-open")!);
    await fireEvent.input(byId("campaign-name")!, { target: { value: "Summer fans" } });
    await fireEvent.click($('input[name="campaign-channel"][value="social"]')!);
    fake.campaignCreate.mockResolvedValue(SUMMER);
    fake.campaignsOverview.mockResolvedValue(overview());
    await fireEvent.click(byId("campaign-create")!);
    await waitFor(() => expect($('.campaign[data-id="3"]')).not.toBeNull());
    const form = fake.campaignCreate.mock.calls[0][0];
    expect(form.name).toBe("Summer fans");
    expect(form.channels).toEqual(["web", "social"]);
    expect(form.territories).toEqual(["WORLDWIDE"]);
    expect(byId("campaign-form")).toBeNull();
  });

  it("edits a campaign's usage", async () => {
    render(CampaignsView);
    await waitFor(() => expect($(".campaign-edit")).not.toBeNull());
    await fireEvent.click($(".campaign-edit")!);
    expect((byId("campaign-name") as HTMLInputElement).value).toBe("Summer fans");
    expect((byId("campaign-territories") as HTMLInputElement).value).toBe("WORLDWIDE");
    await fireEvent.input(byId("campaign-end")!, { target: { value: "2025-09-30" } });
    fake.campaignUpdate.mockRejectedValue(new ApiError("the campaign ends (2025-05-01) before it starts (2025-06-01)"));
    await fireEvent.click(byId("campaign-update")!);
    await waitFor(() => expect($("#campaign-form .error")?.textContent).toContain("ends"));
    expect(fake.campaignUpdate.mock.calls[0][0]).toBe(3);
    expect(fake.campaignUpdate.mock.calls[0][1].ends_on).toBe("2025-09-30");
  });

  it("auto-assembles a piece and opens it in the editor", async () => {
    render(CampaignsView);
    await waitFor(() => expect($(".auto-open")).not.toBeNull());
    await fireEvent.click($(".auto-open")!);
    await fireEvent.input(byId("auto-name")!, { target: { value: "Story cut" } });
    await fireEvent.change(byId("auto-preset")!, { target: { value: "story_9x16" } });
    await fireEvent.change(byId("auto-seconds")!, { target: { value: "15" } });
    const made = pieceView(3);
    fake.pieceAuto.mockResolvedValue({ ...made, piece: { ...made.piece, id: 21 } });
    fake.pieceView.mockResolvedValue({ ...made, piece: { ...made.piece, id: 21 } });
    await fireEvent.click(byId("auto-submit")!);
    await waitFor(() => expect(app.piece).toBe(21));
    expect(fake.pieceAuto).toHaveBeenCalledWith(3, "Story cut", "story_9x16", 15);
    await waitFor(() => expect(byId("piece-editor")).not.toBeNull());
  });

  it("shows why auto-assemble could not fill the length", async () => {
    render(CampaignsView);
    await waitFor(() => expect($(".auto-open")).not.toBeNull());
    await fireEvent.click($(".auto-open")!);
    fake.pieceAuto.mockRejectedValue(new ApiError("no selected asset is cleared for 'Summer fans'"));
    await fireEvent.click(byId("auto-submit")!);
    await waitFor(() => expect($("#auto-form .error")?.textContent).toContain("no selected asset"));
    // A blank name uses the suggestion shown.
    expect(fake.pieceAuto).toHaveBeenCalledWith(3, "16:9 hero 15 s", "hero_16x9", 15);
  });

  it("makes a web wall for a campaign on the web, and says why it could not", async () => {
    fake.campaignsOverview.mockResolvedValue(overview());
    render(CampaignsView);
    await waitFor(() => expect($(".campaign .wall-start")).not.toBeNull());
    const button = $<HTMLButtonElement>(".campaign .wall-start")!;
    expect(button.disabled).toBe(false);
    fake.wallStart.mockRejectedValueOnce(new ApiError("nothing in 'Summer fans' is selected and cleared for the web yet"));
    await fireEvent.click(button);
    await waitFor(() => expect(document.body.textContent).toContain("cleared for the web yet"));
    expect(fake.wallStart).toHaveBeenCalledWith(SUMMER.id);
    // A campaign with no web channel cannot have one.
    const social = overview();
    social.campaigns[0].campaign.usage.channels = ["social"];
    fake.campaignsOverview.mockResolvedValue(social);
    window.dispatchEvent(new Event("focus"));
    await waitFor(() => expect($<HTMLButtonElement>(".campaign .wall-start")!.disabled).toBe(true));
  });

  it("opens a piece from its row", async () => {
    fake.pieceView.mockResolvedValue(pieceView(2));
    render(CampaignsView);
    await waitFor(() => expect($(".piece-row")).not.toBeNull());
    await fireEvent.click($('.piece-row[data-id="11"]')!);
    expect(app.piece).toBe(11);
    await waitFor(() => expect(byId("piece-editor")).not.toBeNull());
  });
});
