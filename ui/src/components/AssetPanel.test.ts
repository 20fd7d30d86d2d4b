import { fireEvent, render, waitFor } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { AssetView } from "../lib/bindings";
import { asset } from "../testing/fixtures";

const fake = vi.hoisted(() => ({
  assetView: vi.fn(),
  assetsRate: vi.fn(),
  assetsCurate: vi.fn(),
  assetsKeepBoth: vi.fn(),
  assetsTag: vi.fn(),
  campaignsList: vi.fn(),
  campaignCreate: vi.fn(),
  rightsRequest: vi.fn(),
  rightsGrant: vi.fn(),
  rightsDeny: vi.fn(),
  rightsRevoke: vi.fn(),
  openMail: vi.fn(),
}));

vi.mock(import("../lib/api"), async (original) => ({ ...(await original()), api: fake as never }));

import { ApiError } from "../lib/api";
import { app } from "../lib/appState.svelte";
import { setStreamBase } from "../lib/media";
import AssetPanel from "./AssetPanel.svelte";

const sam = { id: 7, name: "Sam Lee", email: "sam@example.com", handle: "@samlee" };

function view(over: Partial<AssetView> = {}, kind: "photo" | "clip" = "photo"): AssetView {
  const a = asset(12, {
    kind,
    contributor: sam,
    tags: [
      { name: "beach", source: "manual" },
      { name: "portrait", source: "auto" },
    ],
    ...(kind === "clip" ? { duration_ms: 12_400, video_codec: "h264", audio_codec: "aac", has_audio: true } : {}),
  });
  return {
    detail: {
      ...a,
      store_path: "/lib/store/ab/cd",
      thumbnail_path: "/lib/thumbs/ab.jpg",
      filmstrip_path: kind === "clip" ? "/lib/strips/ab.jpg" : null,
      submissions: [],
      near_duplicates: [30],
    },
    rights_status: "unrequested",
    grants: [],
    history: [],
    ...over,
  };
}

const byId = (id: string) => document.getElementById(id);

describe("AssetPanel", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    app.panel = 12;
    fake.assetView.mockResolvedValue(view());
  });

  it("shows the photo as the library renders it, its details and its rights status", async () => {
    render(AssetPanel, { id: 12 });
    await waitFor(() => expect(byId("rights-status")?.textContent).toBe("unrequested"));
    const img = byId("viewer") as HTMLImageElement;
    expect(img.getAttribute("src")).toBe(`media://localhost/view/${asset(12).hash}`);
    expect(byId("meta-colour")?.textContent).toBe("Display P3: shown and rendered converted to sRGB");
    expect(byId("meta-location")?.textContent?.trim()).toBe("none");
    expect(byId("player")).toBeNull();
    expect(byId("meta-dimensions")?.textContent).toBe("3024 × 4032");
    expect(byId("meta-camera")?.textContent).toBe("Apple iPhone 15");
    await waitFor(() => expect(document.querySelector("#near-duplicates .pair")).not.toBeNull());
  });

  it("shows a near-duplicate side by side and takes the curator's answer", async () => {
    const other = view();
    other.detail = { ...other.detail, id: 30, original_name: "IMG_0002.jpg", width: 1200, height: 1600, near_duplicates: [12] };
    fake.assetView.mockImplementation(async (id: number) => (id === 30 ? other : view()));
    render(AssetPanel, { id: 12 });
    const pair = await waitFor(() => {
      const p = document.querySelector<HTMLElement>('#near-duplicates .pair[data-id="30"]');
      if (!p) throw new Error("no pair yet");
      return p;
    });
    expect(pair.textContent).toContain("This one");
    expect(pair.textContent).toContain("IMG_0002.jpg");
    expect(pair.textContent).toContain("1200×1600");
    const imgs = [...pair.querySelectorAll("img")].map((i) => i.getAttribute("src"));
    expect(imgs).toHaveLength(2);
    // Keep this one: the other is rejected (never deleted).
    fake.assetsCurate.mockResolvedValue(undefined);
    await fireEvent.click(pair.querySelector(".keep-this")!);
    await waitFor(() => expect(fake.assetsCurate).toHaveBeenCalledWith([30], "rejected"));
    // Keep both: they stop being paired.
    fake.assetsKeepBoth.mockResolvedValue(undefined);
    await fireEvent.click(pair.querySelector(".keep-both")!);
    await waitFor(() => expect(fake.assetsKeepBoth).toHaveBeenCalledWith(12, 30));
  });

  it("plays a clip from the original", async () => {
    fake.assetView.mockResolvedValue(view({}, "clip"));
    render(AssetPanel, { id: 12 });
    await waitFor(() => expect(byId("player")).not.toBeNull());
    const video = byId("player") as HTMLVideoElement;
    expect(video.getAttribute("src")).toBe(`media://localhost/original/${asset(12).hash}`);
    expect(video.hasAttribute("controls")).toBe(true);
    expect(video.getAttribute("preload")).toBe("metadata");
    expect(byId("meta-duration")?.textContent).toContain("0:12");
  });

  it("streams a clip from the loopback server by its asset id, never its hash", async () => {
    setStreamBase("http://127.0.0.1:4000/tok");
    try {
      fake.assetView.mockResolvedValue(view({}, "clip"));
      render(AssetPanel, { id: 12 });
      await waitFor(() => expect(byId("player")).not.toBeNull());
      const src = byId("player")?.getAttribute("src");
      expect(src).toBe("http://127.0.0.1:4000/tok/asset/12");
      expect(src).not.toContain(asset(12).hash);
    } finally {
      setStreamBase(null);
    }
  });

  it("records a grant and shows the new status", async () => {
    render(AssetPanel, { id: 12 });
    await waitFor(() => byId("grant-open")!);
    await fireEvent.click(byId("grant-open")!);
    expect((byId("grant-territories") as HTMLInputElement).value).toBe("WORLDWIDE");
    // Nothing is assumed about age: "not established" until the person records it.
    expect((byId("grant-age") as HTMLSelectElement).value).toBe("unknown");
    await fireEvent.change(byId("grant-age")!, { target: { value: "adult" } });
    expect(byId("grant-guardian")).toBeNull();

    await fireEvent.click(document.querySelector('input[name="grant-channel"][value="web"]')!);
    await fireEvent.click(document.querySelector('input[name="grant-channel"][value="social"]')!);
    await fireEvent.input(byId("grant-evidence")!, { target: { value: "#YesChorus" } });
    await fireEvent.change(byId("grant-source")!, { target: { value: "social" } });
    fake.rightsGrant.mockResolvedValue([1]);
    fake.assetView.mockResolvedValue(view({ rights_status: "granted" }));
    await fireEvent.submit(byId("grant-form")!);

    await waitFor(() => expect(byId("rights-status")?.textContent).toBe("granted"));
    expect(fake.rightsGrant).toHaveBeenCalledWith({
      asset_ids: [12],
      contributor_id: null,
      channels: ["web", "social"],
      territories: ["WORLDWIDE"],
      valid_from: null,
      valid_until: null,
      age: "adult",
      guardian: null,
      evidence: "#YesChorus",
      source: "social",
    });
    expect(byId("grant-form")).toBeNull();
  });

  it("asks for a guardian for a minor, and for evidence before recording", async () => {
    render(AssetPanel, { id: 12 });
    await waitFor(() => byId("grant-open")!);
    await fireEvent.click(byId("grant-open")!);
    await fireEvent.change(byId("grant-age")!, { target: { value: "minor" } });
    expect(byId("grant-guardian")).not.toBeNull();
    await fireEvent.submit(byId("grant-form")!);
    expect(fake.rightsGrant).not.toHaveBeenCalled();
    expect(byId("grant-form")?.querySelector(".error")?.textContent).toMatch(/evidence/);
  });

  it("shows the engine's refusal inside the form", async () => {
    render(AssetPanel, { id: 12 });
    await waitFor(() => byId("grant-open")!);
    await fireEvent.click(byId("grant-open")!);
    await fireEvent.input(byId("grant-evidence")!, { target: { value: "yes" } });
    fake.rightsGrant.mockRejectedValue(new ApiError("choose at least one channel the contributor agreed to"));
    await fireEvent.submit(byId("grant-form")!);
    await waitFor(() =>
      expect(byId("grant-form")?.querySelector(".error")?.textContent).toContain("at least one channel"),
    );
  });

  it("needs a reason to revoke", async () => {
    render(AssetPanel, { id: 12 });
    await waitFor(() => byId("revoke-open")!);
    await fireEvent.click(byId("revoke-open")!);
    await fireEvent.submit(byId("revoke-form")!);
    expect(fake.rightsRevoke).not.toHaveBeenCalled();
    await fireEvent.input(byId("revoke-reason")!, { target: { value: "Asked by e-mail" } });
    fake.rightsRevoke.mockResolvedValue(1);
    fake.assetView.mockResolvedValue(view({ rights_status: "revoked" }));
    await fireEvent.submit(byId("revoke-form")!);
    await waitFor(() => expect(byId("rights-status")?.textContent).toBe("revoked"));
    expect(fake.rightsRevoke).toHaveBeenCalledWith([12], null, "Asked by e-mail");
  });

  it("creates a campaign inline and drafts the request", async () => {
    fake.campaignsList.mockResolvedValue([]);
    render(AssetPanel, { id: 12 });
    await waitFor(() => byId("request-open")!);
    await fireEvent.click(byId("request-open")!);
    await waitFor(() => expect(byId("campaign-name")).not.toBeNull());
    await fireEvent.input(byId("campaign-name")!, { target: { value: "Summer fans" } });
    const summer = {
      id: 1,
      name: "Summer fans",
      usage: { channels: ["web"], territories: ["WORLDWIDE"], starts_on: "2025-06-01", ends_on: "2025-08-31" },
    };
    fake.campaignCreate.mockResolvedValue(summer);
    await fireEvent.click(byId("campaign-create")!);
    // The campaign goes to the engine by id, never by name.
    await waitFor(() => expect((byId("request-campaign") as HTMLSelectElement).value).toBe("1"));

    fake.rightsRequest.mockResolvedValue({
      drafts: [
        {
          contributor_id: 7,
          name: "Sam Lee",
          email: "sam@example.com",
          handle: "@samlee",
          asset_ids: [12],
          subject: "May we feature your photo?",
          body: "Hi Sam,\nReply #YesChorus to agree.",
          mailto: "mailto:sam@example.com?subject=May%20we",
        },
      ],
      skipped: [],
    });
    fake.assetView.mockResolvedValue(view({ rights_status: "requested" }));
    await fireEvent.submit(byId("request-form")!);
    await waitFor(() => expect(document.querySelector(".draft")).not.toBeNull());
    expect(fake.rightsRequest).toHaveBeenCalledWith([12], 1);
    expect(document.querySelector(".draft .subject")?.textContent).toBe("May we feature your photo?");
    expect(document.querySelector(".draft-mailto")?.getAttribute("href")).toBe(
      "mailto:sam@example.com?subject=May%20we",
    );
    expect(document.querySelector(".draft-copy")).not.toBeNull();
    // The webview cannot follow mailto: itself: the shell opens the mail program.
    fake.openMail.mockResolvedValue(null);
    await fireEvent.click(document.querySelector(".draft-mailto")!);
    expect(fake.openMail).toHaveBeenCalledWith("mailto:sam@example.com?subject=May%20we");
    await waitFor(() => expect(byId("rights-status")?.textContent).toBe("requested"));
  });

  it("rates, curates and removes a tag, telling the library", async () => {
    render(AssetPanel, { id: 12 });
    await waitFor(() => byId("panel-rating")!);
    fake.assetsRate.mockResolvedValue(3);
    fake.assetView.mockResolvedValue(view({ detail: { ...view().detail, rating: 3 } }));
    await fireEvent.click(document.querySelector('#panel-rating [data-rating="3"]')!);
    await waitFor(() => expect(app.change.patch?.rating).toBe(3));
    expect(fake.assetsRate).toHaveBeenCalledWith([12], 3);

    fake.assetsCurate.mockResolvedValue(null);
    await fireEvent.click(document.querySelector('#panel-curation [data-curation="selected"]')!);
    expect(fake.assetsCurate).toHaveBeenCalledWith([12], "selected");

    fake.assetsTag.mockResolvedValue(null);
    await fireEvent.click(document.querySelector(".tag-remove")!);
    expect(fake.assetsTag).toHaveBeenCalledWith([12], [], ["beach"]);
    // Automatic tags are the engine's to keep.
    expect(document.querySelectorAll(".tag-remove")).toHaveLength(1);
  });

  it("closes with the close button", async () => {
    render(AssetPanel, { id: 12 });
    await waitFor(() => byId("asset-close")!);
    await fireEvent.click(byId("asset-close")!);
    expect(app.panel).toBeNull();
  });
});
