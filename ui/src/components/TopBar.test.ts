import { fireEvent, render } from "@testing-library/svelte";
import { beforeEach, describe, expect, it, vi } from "vitest";

vi.mock(import("../lib/api"), async (original) => ({ ...(await original()), api: {} as never }));

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
});
