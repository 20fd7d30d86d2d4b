import { describe, expect, it } from "vitest";
import type { Asset, AssetsPage } from "./bindings";
import { RIGHTS_BADGE, withRights } from "./rightsBadge";

const asset = (id: number) => ({ id }) as unknown as Asset;

describe("rights badges", () => {
  it("pairs each asset with its own status, in order", () => {
    const page = { total: 2, offset: 0, assets: [asset(4), asset(9)], rights: ["granted", "revoked"] };
    const got = withRights(page as AssetsPage);
    expect(got.map((a) => [a.id, a.rights])).toEqual([
      [4, "granted"],
      [9, "revoked"],
    ]);
  });

  it("never claims a grant it was not told about", () => {
    const page = { total: 1, offset: 0, assets: [asset(1)], rights: [] };
    expect(withRights(page as unknown as AssetsPage)[0].rights).toBe("unrequested");
  });

  it("names every status in words", () => {
    expect(RIGHTS_BADGE.revoked.label).toBe("Withdrawn");
    expect(RIGHTS_BADGE.unrequested.says).toMatch(/not asked/);
  });
});
