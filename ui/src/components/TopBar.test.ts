import { fireEvent, render } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";

const fake = vi.hoisted(() => ({ libraryOpen: vi.fn() }));
vi.mock(import("../lib/api"), async (original) => ({ ...(await original()), api: fake as never }));

import { app } from "../lib/appState.svelte";
import { jobs, resetJobs } from "../lib/jobs.svelte";
import { launched } from "../lib/renderJobs";
import TopBar from "./TopBar.svelte";

describe("TopBar", () => {
  beforeEach(() => {
    resetJobs();
    app.view = "library";
    app.piece = null;
  });

  it("leads to the campaign list, even from an open piece", async () => {
    render(TopBar);
    app.view = "campaigns";
    app.piece = 11;
    await fireEvent.click(document.getElementById("nav-campaigns")!);
    expect(app.view).toBe("campaigns");
    expect(app.piece).toBeNull();
  });

  it("shows and hides the render queue, counting running jobs", async () => {
    render(TopBar);
    const button = document.getElementById("nav-queue")!;
    expect(button.textContent?.trim()).toBe("Queue");
    jobs.rows = launched([], 3, { kind: "export", pieceId: 1, pieceName: "A", pieceKind: "montage", presets: [] });
    await fireEvent.click(button);
    expect(jobs.open).toBe(true);
    expect(document.getElementById("queue-running")?.textContent).toBe("1 running");
    await fireEvent.click(button);
    expect(jobs.open).toBe(false);
  });

  it("names the library instead of showing its path, and opens a recent one by name", async () => {
    localStorage.setItem("chorus.recentLibraries", JSON.stringify(["/home/me/Chorus/Summer 2026", "/srv/Winter"]));
    app.library = { root: "/home/me/Chorus/Summer 2026", assets: 12, contributors: 5 };
    render(TopBar);
    expect(document.getElementById("library-name")?.textContent).toBe("Summer 2026");
    expect(document.querySelector(".topbar")?.textContent).not.toContain("/home/me");
    await fireEvent.click(document.getElementById("library-menu")!);
    const recent = [...document.querySelectorAll<HTMLButtonElement>(".recent-library")];
    // The open one is not offered again.
    expect(recent.map((b) => b.textContent?.trim())).toEqual(["Winter"]);
    fake.libraryOpen.mockResolvedValue({ root: "/srv/Winter", assets: 3, contributors: 1 });
    await fireEvent.click(recent[0]);
    await vi.waitFor(() => expect(document.getElementById("library-name")?.textContent).toBe("Winter"));
    expect(fake.libraryOpen).toHaveBeenCalledWith("/srv/Winter");
    expect(JSON.parse(localStorage.getItem("chorus.recentLibraries")!)[0]).toBe("/srv/Winter");
    expect(document.getElementById("library-switcher")).toBeNull();
  });
});
