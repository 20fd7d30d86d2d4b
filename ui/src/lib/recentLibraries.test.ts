import { describe, expect, it } from "vitest";
import { MAX_RECENT, libraryName, recentLibraries, rememberLibrary } from "./recentLibraries";

function memory() {
  const kept = new Map<string, string>();
  return { kept, getItem: (k: string) => kept.get(k) ?? null, setItem: (k: string, v: string) => void kept.set(k, v) };
}

describe("recent libraries", () => {
  it("are named by their folder, most recent first, each once", () => {
    const store = memory();
    expect(libraryName("/home/me/Chorus/Summer 2026/")).toBe("Summer 2026");
    expect(libraryName("C:\\Users\\me\\Lumio")).toBe("Lumio");
    rememberLibrary("/a/Summer", store);
    rememberLibrary("/b/Winter", store);
    rememberLibrary("/a/Summer", store);
    expect(recentLibraries(store)).toEqual([
      { path: "/a/Summer", name: "Summer" },
      { path: "/b/Winter", name: "Winter" },
    ]);
  });

  it("tell two folders of one name apart by where they sit", () => {
    const store = memory();
    rememberLibrary("/home/me/Lumio/Summer", store);
    rememberLibrary("/srv/Acme/Summer", store);
    rememberLibrary("/srv/Winter", store);
    expect(recentLibraries(store).map((r) => r.name)).toEqual(["Winter", "Summer (in Acme)", "Summer (in Lumio)"]);
  });

  it("keep a few, and survive a store edited by hand", () => {
    const store = memory();
    for (let i = 0; i < 12; i++) rememberLibrary(`/libs/l${i}`, store);
    expect(recentLibraries(store)).toHaveLength(MAX_RECENT);
    store.kept.set("chorus.recentLibraries", "{not json");
    expect(recentLibraries(store)).toEqual([]);
    store.kept.set("chorus.recentLibraries", JSON.stringify([42, "", "/ok/Lib", { path: "/x" }]));
    expect(recentLibraries(store)).toEqual([{ path: "/ok/Lib", name: "Lib" }]);
  });
});
