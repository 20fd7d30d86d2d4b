import { describe, expect, it } from "vitest";
import { blockedAsset } from "../testing/pieces";
import { badgeText, badgeTitle, bannerHeading, blockedIds, blockedTitle, isBlocked, reasonsText, whoText } from "./blocked";

const revoked = blockedAsset(4, { reasons: ["permission was revoked on 2025-07-01"] });
const noWeb = blockedAsset(9, {
  original_name: "beach.jpg",
  contributor: null,
  reasons: ["not cleared for channel web", "the grant ends 2025-06-30, before the campaign does"],
});

describe("blocked banner", () => {
  it("names how many assets block the piece, and for which campaign", () => {
    expect(bannerHeading([revoked], "Summer fans")).toBe("1 asset in this piece is not cleared for Summer fans");
    expect(bannerHeading([revoked, noWeb], "Summer fans")).toBe(
      "2 assets in this piece are not cleared for Summer fans",
    );
  });

  it("gives each asset's contributor and every reason", () => {
    expect(whoText(revoked)).toBe("@sam");
    expect(whoText(noWeb)).toBe("unknown contributor");
    expect(reasonsText(noWeb)).toBe(
      "not cleared for channel web; the grant ends 2025-06-30, before the campaign does",
    );
    expect(reasonsText(blockedAsset(1, { reasons: [" "] }))).toBe("not cleared for this campaign");
  });

  it("explains why preview and render are off, and nothing when free", () => {
    expect(blockedTitle([], "render")).toBeNull();
    const why = blockedTitle([revoked, noWeb], "render");
    expect(why).toContain("Cannot render while 2 assets are blocked");
    expect(why).toContain("clip-4.mp4, beach.jpg");
  });

  it("badges a blocked piece in the campaign list", () => {
    expect(isBlocked([])).toBe(false);
    expect(isBlocked([revoked])).toBe(true);
    expect(badgeText([revoked, noWeb])).toBe("Blocked: 2 assets");
    expect(badgeTitle([revoked])).toBe("clip-4.mp4 (@sam): permission was revoked on 2025-07-01");
    expect([...blockedIds([revoked, noWeb])]).toEqual([4, 9]);
  });
});
