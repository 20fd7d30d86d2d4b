import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { asset, library } from "../testing/fixtures";

const fake = vi.hoisted(() => ({
  assetsBrowse: vi.fn(),
  tagsList: vi.fn(),
  assetsCurate: vi.fn(),
  assetsRate: vi.fn(),
  assetsTag: vi.fn(),
}));

vi.mock(import("../lib/api"), async (original) => ({ ...(await original()), api: fake as never }));

import { ApiError } from "../lib/api";
import { app } from "../lib/appState.svelte";
import { NO_FILTERS } from "../lib/filters";
import LibraryView from "./LibraryView.svelte";

function cell(id: number): HTMLElement {
  const el = document.querySelector<HTMLElement>(`.cell[data-id="${id}"]`);
  if (!el) throw new Error(`no cell for asset ${id}`);
  return el;
}

async function showLibrary(count: number) {
  const lib = library(count);
  fake.assetsBrowse.mockImplementation(lib.browse);
  render(LibraryView, { active: true });
  if (count > 0) await waitFor(() => cell(1));
  return document.getElementById("grid")!;
}

describe("LibraryView", () => {
  beforeEach(() => {
    vi.clearAllMocks();
    app.filters = { ...NO_FILTERS };
    app.panel = null;
    fake.tagsList.mockResolvedValue([{ name: "beach", source: "manual", assets: 2 }]);
    fake.assetsCurate.mockResolvedValue(null);
    fake.assetsTag.mockResolvedValue(null);
    fake.assetsRate.mockImplementation(async (_ids: number[], r: number) => r);
  });

  it("shows the total and only the first rows of a big library", async () => {
    await showLibrary(100_000);
    expect(screen.getByText("100000 assets").id).toBe("result-count");
    const cells = document.querySelectorAll(".cell");
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.length).toBeLessThan(60);
    expect(cell(1).querySelector("img.thumb")?.getAttribute("src")).toBe(
      `media://localhost/thumb/${asset(1).hash}`,
    );
    // Every thumbnail carries its rights status as the engine derived it.
    expect(cell(3).querySelector(".rights-badge")?.getAttribute("data-rights")).toBe("granted");
    expect(cell(3).querySelector(".rights-badge")?.textContent).toContain("Granted");
    expect(cell(1).querySelector(".rights-badge")?.textContent).toContain("Rights not asked yet");
    // One page asked for, not the whole library.
    expect(fake.assetsBrowse).toHaveBeenCalledTimes(1);
    expect(fake.assetsBrowse.mock.calls[0][0]).toMatchObject({ offset: 0, limit: 200 });
  });

  it("curates the focused asset with P and updates the cell in place", async () => {
    const grid = await showLibrary(5);
    await fireEvent.keyDown(grid, { key: "p" });
    await waitFor(() => expect(cell(1).dataset.curation).toBe("shortlisted"));
    expect(fake.assetsCurate).toHaveBeenCalledWith([1], "shortlisted");
    // The patched cell keeps its rights badge.
    expect(cell(1).querySelector(".rights-badge")?.getAttribute("data-rights")).toBe("unrequested");
    expect(fake.assetsBrowse).toHaveBeenCalledTimes(1);
  });

  it("moves focus with the arrows and rates with digits", async () => {
    const grid = await showLibrary(5);
    expect(cell(1).classList.contains("focused")).toBe(true);
    await fireEvent.keyDown(grid, { key: "ArrowRight" });
    expect(cell(2).classList.contains("focused")).toBe(true);
    await fireEvent.keyDown(grid, { key: "4" });
    await waitFor(() => expect(cell(2).dataset.rating).toBe("4"));
    expect(fake.assetsRate).toHaveBeenCalledWith([2], 4);
  });

  it("selects with click, Ctrl-click and Shift-click, and acts on the selection", async () => {
    const grid = await showLibrary(3);
    await fireEvent.click(cell(1));
    await fireEvent.click(cell(3), { ctrlKey: true });
    expect(cell(1).classList.contains("selected")).toBe(true);
    expect(cell(2).classList.contains("selected")).toBe(false);
    expect(cell(3).classList.contains("selected")).toBe(true);
    expect(document.getElementById("bulk-bar")).not.toBeNull();

    await fireEvent.keyDown(grid, { key: "x" });
    await waitFor(() => expect(cell(3).dataset.curation).toBe("rejected"));
    expect(fake.assetsCurate).toHaveBeenCalledWith([1, 3], "rejected");
    expect(cell(2).dataset.curation).toBe("new");

    await fireEvent.click(cell(1));
    await fireEvent.click(cell(3), { shiftKey: true });
    await waitFor(() => expect(cell(2).classList.contains("selected")).toBe(true));
    expect(document.querySelectorAll(".cell.selected")).toHaveLength(3);

    await fireEvent.keyDown(grid, { key: "Escape" });
    expect(document.querySelectorAll(".cell.selected")).toHaveLength(0);
  });

  it("extends the selection with Shift+arrows and opens the focused asset with Space", async () => {
    const grid = await showLibrary(6);
    await fireEvent.keyDown(grid, { key: "ArrowRight", shiftKey: true });
    await fireEvent.keyDown(grid, { key: "ArrowRight", shiftKey: true });
    await waitFor(() => expect(document.querySelectorAll(".cell.selected")).toHaveLength(3));
    expect(cell(3).classList.contains("focused")).toBe(true);
    await fireEvent.keyDown(grid, { key: "ArrowLeft" });
    expect(document.querySelectorAll(".cell.selected")).toHaveLength(0);
    await fireEvent.keyDown(grid, { key: " " });
    expect(app.panel).toBe(2);
    await fireEvent.keyDown(grid, { key: "Escape" });
    expect(app.panel).toBeNull();
  });

  it("tags the selection from the T input, and Escape closes it", async () => {
    const grid = await showLibrary(3);
    await fireEvent.click(cell(2));
    await fireEvent.keyDown(grid, { key: "t" });
    const input = document.getElementById("tag-input") as HTMLInputElement;
    expect(input).not.toBeNull();
    await fireEvent.input(input, { target: { value: "beach" } });
    await fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(document.getElementById("tag-input")).toBeNull());
    expect(fake.assetsTag).toHaveBeenCalledWith([2], ["beach"], []);

    await fireEvent.keyDown(grid, { key: "t" });
    await fireEvent.keyDown(document.getElementById("tag-input")!, { key: "Escape" });
    expect(document.getElementById("tag-input")).toBeNull();
    expect(fake.assetsTag).toHaveBeenCalledTimes(1);
  });

  it("shows the engine's message when a command fails, and keeps the cell as it was", async () => {
    const grid = await showLibrary(2);
    fake.assetsCurate.mockRejectedValue(new ApiError("the library is read-only: check the folder's permissions"));
    await fireEvent.keyDown(grid, { key: "s" });
    await waitFor(() =>
      expect(document.querySelector(".error")?.textContent).toContain("read-only"),
    );
    expect(cell(1).dataset.curation).toBe("new");
  });

  it("asks the engine again when a filter changes", async () => {
    await showLibrary(10);
    const select = document.getElementById("filter-kind") as HTMLSelectElement;
    await fireEvent.change(select, { target: { value: "clip" } });
    await waitFor(() => expect(fake.assetsBrowse).toHaveBeenCalledTimes(2));
    expect(fake.assetsBrowse.mock.calls[1][0]).toMatchObject({ kind: "clip", offset: 0 });
  });

  it("debounces the search box", async () => {
    await showLibrary(10);
    const search = document.getElementById("search") as HTMLInputElement;
    await fireEvent.input(search, { target: { value: "s" } });
    await fireEvent.input(search, { target: { value: "sam" } });
    expect(fake.assetsBrowse).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(fake.assetsBrowse).toHaveBeenCalledTimes(2));
    expect(fake.assetsBrowse.mock.calls[1][0]).toMatchObject({ search: "sam" });
  });

  it("shows a search set elsewhere (a contributor) in the box", async () => {
    await showLibrary(10);
    app.filters = { ...NO_FILTERS, search: "@samlee" };
    await waitFor(() => expect((document.getElementById("search") as HTMLInputElement).value).toBe("@samlee"));
    await waitFor(() => expect(fake.assetsBrowse).toHaveBeenCalledTimes(2));
    expect(fake.assetsBrowse.mock.calls[1][0]).toMatchObject({ search: "@samlee" });
  });

  it("offers Import when the library is empty", async () => {
    await showLibrary(0);
    await waitFor(() => expect(document.getElementById("empty-library")).not.toBeNull());
    await fireEvent.click(screen.getByText("Import submissions…"));
    expect(app.view).toBe("import");
  });

  it("says what went wrong when the library cannot be read", async () => {
    fake.assetsBrowse.mockRejectedValue(new ApiError("no library is open: open or create one"));
    render(LibraryView, { active: true });
    await waitFor(() =>
      expect(document.querySelector(".error")?.textContent).toContain("no library is open"),
    );
  });
});
