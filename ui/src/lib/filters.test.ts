import { describe, expect, it } from "vitest";
import { NO_FILTERS, isFiltered, sameQuery, toBrowse } from "./filters";

describe("toBrowse", () => {
  it("asks for everything when nothing is chosen", () => {
    expect(toBrowse(NO_FILTERS, 0, 200)).toEqual({
      kind: null,
      tags: [],
      orientation: null,
      curation: null,
      min_rating: null,
      search: null,
      limit: 200,
      offset: 0,
      rights: null,
    });
  });

  it("carries every chosen filter and the window", () => {
    expect(
      toBrowse(
        {
          kind: "clip",
          orientation: "portrait",
          tag: "beach",
          minRating: "3",
          curation: "shortlisted",
          rights: "granted",
          search: "  @sam ",
        },
        400,
        200,
      ),
    ).toEqual({
      kind: "clip",
      tags: ["beach"],
      orientation: "portrait",
      curation: "shortlisted",
      min_rating: 3,
      search: "@sam",
      limit: 200,
      offset: 400,
      rights: "granted",
    });
  });

  it("treats a blank search as none", () => {
    expect(toBrowse({ ...NO_FILTERS, search: "   " }, 0, 1).search).toBeNull();
  });
});

describe("isFiltered and sameQuery", () => {
  it("knows when any filter is set", () => {
    expect(isFiltered(NO_FILTERS)).toBe(false);
    expect(isFiltered({ ...NO_FILTERS, rights: "revoked" })).toBe(true);
    expect(isFiltered({ ...NO_FILTERS, search: " " })).toBe(false);
  });

  it("sees through whitespace that does not change the question", () => {
    expect(sameQuery({ ...NO_FILTERS, search: "sam " }, { ...NO_FILTERS, search: "sam" })).toBe(
      true,
    );
    expect(sameQuery(NO_FILTERS, { ...NO_FILTERS, kind: "photo" })).toBe(false);
  });
});
