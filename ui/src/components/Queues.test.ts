import { fireEvent, render, waitFor } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";

const VERIFIED = vi.hoisted(() => ({
  events: 12,
  head: { event_id: 12, hash: "ab".repeat(32) },
  breaks: [] as { kind: string; from?: number; to?: number; event_id?: number }[],
  break_sentences: [] as string[],
  altered: [] as { grant_id: number; contributor_id: number; what: string }[],
  exports_unanchored: [] as string[],
}));

const fake = vi.hoisted(() => ({
  rightsQueue: vi.fn(),
  contributorsList: vi.fn(),
  repliesPending: vi.fn(async () => [] as unknown[]),
  repliesResolve: vi.fn(async () => null),
  rightsUnanswered: vi.fn(async () => [] as unknown[]),
  rightsFollowUp: vi.fn(),
  thankYous: vi.fn(async () => [] as unknown[]),
  thankYouSent: vi.fn(),
  rightsVerify: vi.fn(async () => VERIFIED),
  contributorErasePlan: vi.fn(),
  contributorErase: vi.fn(),
  contributorExport: vi.fn(),
}));

vi.mock(import("../lib/api"), async (original) => ({ ...(await original()), api: fake as never }));

import { app } from "../lib/appState.svelte";
import { NO_FILTERS } from "../lib/filters";
import ContributorsView from "./ContributorsView.svelte";
import RightsQueueView from "./RightsQueueView.svelte";

describe("RightsQueueView: replies and follow-ups", () => {
  it("lists replies for a person and unanswered requests, and drafts the follow-ups", async () => {
    fake.rightsQueue.mockResolvedValue({
      to_request: [],
      awaiting_answer: [],
      expiring_soon: [],
      revoked: [],
    });
    fake.repliesPending.mockResolvedValue([
      {
        id: 1,
        sender: "someone@unknown.example",
        text: "#YesBrandCo!",
        why: "nobody in the library has the address; a reply from an unknown sender never grants",
        received_at: null,
        origin: "stranger.eml",
        evidence_hash: "ab",
      },
    ]);
    const waiting = {
      contributor_id: 4,
      contributor: "Maya Lindqvist",
      asset_ids: [7],
      original_names: ["IMG_0412.jpeg"],
      asked_on: "2026-06-02",
      days_waiting: 9,
      followed_up_on: null,
    };
    fake.rightsUnanswered.mockResolvedValue([waiting]);
    fake.rightsFollowUp.mockResolvedValue([
      {
        contributor_id: 4,
        name: "Maya Lindqvist",
        email: "maya@example.com",
        handle: null,
        asset_ids: [7],
        subject: "A gentle reminder from BrandCo",
        body: "Hi Maya, ... This is the only reminder we will send.",
        mailto: "mailto:maya@example.com?subject=x",
      },
    ]);
    render(RightsQueueView);
    await waitFor(() =>
      expect(document.getElementById("queue-replies")?.textContent).toContain("unknown sender"),
    );
    await fireEvent.click(document.querySelector('.pending[data-id="1"] .resolve')!);
    expect(fake.repliesResolve).toHaveBeenCalledWith(1);
    await waitFor(() => expect(document.querySelector(".pending")).toBeNull());
    const unanswered = document.getElementById("queue-unanswered")!;
    expect(unanswered.textContent).toContain("Maya Lindqvist");
    expect(unanswered.textContent).toContain("no follow-up yet");
    fake.rightsUnanswered.mockResolvedValue([{ ...waiting, followed_up_on: "2026-06-11" }]);
    await fireEvent.click(document.getElementById("follow-up")!);
    await waitFor(() =>
      expect(document.getElementById("follow-up-drafts")?.textContent).toContain("only reminder"),
    );
    expect(unanswered.textContent).toContain("not asked again");
    expect(document.getElementById("follow-up")).toBeNull();
  });
});

describe("RightsQueueView", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    app.panel = null;
  });

  it("says where the audit breaks", async () => {
    fake.rightsQueue.mockResolvedValue({
      to_request: [],
      awaiting_answer: [],
      expiring_soon: [],
      revoked: [],
    });
    fake.rightsVerify.mockResolvedValueOnce({
      ...VERIFIED,
      breaks: [{ kind: "missing", from: 5, to: 5 }],
      break_sentences: ["audit event 5 was deleted"],
    });
    render(RightsQueueView);
    await waitFor(() => expect(document.getElementById("audit-status")).not.toBeNull());
    const status = document.getElementById("audit-status")!;
    expect(status.dataset.verified).toBe("no");
    expect(status.textContent).toContain("audit event 5 was deleted");
  });

  it("shows each queue with its count, and opens an asset from a row", async () => {
    fake.rightsQueue.mockResolvedValue({
      to_request: [
        { asset_id: 3, original_name: "IMG_3.jpg", contributor: "@sam", status: "unrequested" },
        { asset_id: 4, original_name: "IMG_4.jpg", contributor: null, status: "expired" },
      ],
      awaiting_answer: [{ asset_id: 5, original_name: "clip.mov", contributor: "@ana", status: "requested" }],
      expiring_soon: [
        {
          grant_id: 9,
          contributor: "@ana",
          asset_id: 6,
          original_name: "beach.jpg",
          valid_until: "2025-06-01",
          reason: "ends before Summer fans does",
        },
      ],
      revoked: [],
    });
    render(RightsQueueView);
    await waitFor(() => expect(document.querySelectorAll("#queue-to-request tr.queue-row")).toHaveLength(2));
    expect(document.querySelector("#queue-to-request .count")?.textContent).toBe("2");
    expect(document.querySelector("#queue-awaiting .count")?.textContent).toBe("1");
    expect(document.querySelector("#queue-expiring")?.textContent).toContain("ends before Summer fans does");
    expect(document.querySelector("#queue-revoked .count")?.textContent).toBe("0");
    expect(document.querySelector("#queue-revoked .empty")).not.toBeNull();

    await fireEvent.click(document.querySelector("#queue-awaiting tr.queue-row")!);
    expect(app.panel).toBe(5);
  });
});

describe("ContributorsView", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    app.filters = { ...NO_FILTERS };
    app.view = "contributors";
  });

  it("shows what each person was featured in, and marks a thank-you sent", async () => {
    fake.contributorsList.mockResolvedValue([
      {
        contributor: { id: 1, name: "Sam Lee", email: "sam@example.com", handle: "@samlee" },
        assets: 2,
        statuses: [["granted", 2]],
      },
    ]);
    const thanks = {
      id: 7,
      contributor_id: 1,
      contributor: "Sam Lee",
      email: "sam@example.com",
      piece_id: 3,
      piece_name: "Homepage hero",
      subject: "You're in our new Homepage hero, Sam!",
      body: "Hi Sam,\n\nThank you again for your clip.",
      mailto: "mailto:sam@example.com?subject=x",
      drafted_at: "2026-11-30T10:00:00Z",
      sent_at: null,
    };
    fake.thankYous.mockResolvedValue([thanks]);
    fake.thankYouSent.mockResolvedValue({ ...thanks, sent_at: "2026-11-30T11:00:00Z" });
    render(ContributorsView);
    await waitFor(() =>
      expect(document.querySelector('tr.contributor[data-id="1"] .featured')?.textContent).toBe(
        "Homepage hero",
      ),
    );
    const card = document.querySelector<HTMLElement>('.thank-you[data-id="7"]')!;
    expect(card.dataset.sent).toBe("no");
    expect(document.getElementById("thank-yous")?.textContent).toContain("1 to send");
    await fireEvent.click(card.querySelector(".mark-sent")!);
    expect(fake.thankYouSent).toHaveBeenCalledWith(7);
    await waitFor(() =>
      expect(document.querySelector<HTMLElement>('.thank-you[data-id="7"]')?.dataset.sent).toBe("yes"),
    );
    expect(document.getElementById("thank-yous")?.textContent).toContain("0 to send");
  });

  it("lists contributors and filters the library by one", async () => {
    fake.contributorsList.mockResolvedValue([
      {
        contributor: { id: 1, name: "Sam Lee", email: "sam@example.com", handle: "@samlee" },
        assets: 12,
        statuses: [
          ["granted", 9],
          ["requested", 3],
        ],
      },
      {
        contributor: {
          id: 2,
          name: "Ana",
          email: "ana@example.com",
          handle: null,
          previously_erased: "2026-11-30",
        },
        assets: 1,
        statuses: [["unrequested", 1]],
      },
    ]);
    render(ContributorsView);
    await waitFor(() => expect(document.querySelectorAll("tr.contributor")).toHaveLength(2));
    const sam = document.querySelector<HTMLElement>('tr.contributor[data-id="1"]')!;
    expect(sam.textContent).toContain("12");
    expect(sam.querySelector('[data-status="granted"]')?.textContent).toBe("granted 9");
    // Someone erased before who sends again is flagged, never silently merged.
    expect(sam.querySelector(".erased-before")).toBeNull();
    const ana = document.querySelector('tr.contributor[data-id="2"] .erased-before');
    expect(ana?.textContent).toBe("previously erased: check before use");
    expect(ana?.getAttribute("title")).toContain("2026-11-30");

    await fireEvent.click(document.querySelector('tr.contributor[data-id="2"]')!);
    expect(app.filters.search).toBe("ana@example.com");
    expect(app.view).toBe("library");
  });

  it("erases a contributor after showing what will go, and says what to withdraw", async () => {
    const sam = {
      contributor: { id: 1, name: "Sam Lee", email: "sam@example.com", handle: "@samlee" },
      assets: 2,
      statuses: [["granted", 2]],
    };
    fake.contributorsList.mockResolvedValue([sam]);
    fake.thankYous.mockResolvedValue([]);
    fake.contributorErasePlan.mockResolvedValue({
      contributor_id: 1,
      who: "Sam Lee",
      assets: ["beach.mp4", "hike.jpg"],
      grants: 1,
      evidence_files: 0,
      requests: 0,
      replies: 0,
      pieces: ["Homepage hero"],
      exports: ["/agency/hero"],
    });
    fake.contributorErase.mockResolvedValue({
      contributor_id: 1,
      assets: 2,
      files_deleted: 6,
      pieces_blocked: ["Homepage hero"],
      exports_deleted: [],
      exports_to_withdraw: ["/agency/hero"],
    });
    render(ContributorsView);
    await waitFor(() => expect(document.querySelector('tr.contributor[data-id="1"]')).not.toBeNull());
    await fireEvent.click(document.querySelector('tr.contributor[data-id="1"] .erase')!);
    await waitFor(() => expect(document.getElementById("erase-dialog")).not.toBeNull());
    const dialog = document.getElementById("erase-dialog")!;
    expect(dialog.textContent).toContain("beach.mp4, hike.jpg");
    expect(dialog.textContent).toContain("Homepage hero");
    // Nothing happens until the person confirms.
    expect(fake.contributorErase).not.toHaveBeenCalled();
    expect(app.view).toBe("contributors");
    fake.contributorsList.mockResolvedValue([]);
    await fireEvent.click(document.getElementById("erase-confirm")!);
    expect(fake.contributorErase).toHaveBeenCalledWith(1);
    await waitFor(() => expect(document.getElementById("erasure-done")).not.toBeNull());
    expect(document.getElementById("erasure-done")!.textContent).toContain("/agency/hero");
    expect(document.getElementById("erase-dialog")).toBeNull();
  });

  it("explains the empty list", async () => {
    fake.contributorsList.mockResolvedValue([]);
    render(ContributorsView);
    await waitFor(() => expect(document.getElementById("contributors-empty")).not.toBeNull());
  });
});
