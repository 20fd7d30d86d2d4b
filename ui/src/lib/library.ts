// Opening a library: every screen starts over on the new one.

import { api } from "./api";
import { announce, app } from "./appState.svelte";
import { clearDrafts } from "./drafts";
import { NO_FILTERS } from "./filters";
import { rememberLibrary } from "./recentLibraries";

export async function openLibrary(path: string): Promise<void> {
  const info = await api.libraryOpen(path);
  rememberLibrary(info.root);
  app.library = info;
  app.filters = { ...NO_FILTERS };
  app.panel = null;
  app.piece = null;
  clearDrafts();
  app.view = "library";
  announce("library");
}
