// The desktop's own doors: native pickers and files dropped on the window.

import { open } from "@tauri-apps/plugin-dialog";
import { getCurrentWebview } from "@tauri-apps/api/webview";

export async function pickFolder(title: string): Promise<string | null> {
  return open({ directory: true, multiple: false, title });
}

export async function pickFiles(title: string): Promise<string[]> {
  return (await open({ directory: false, multiple: true, title })) ?? [];
}

export async function pickCsv(title: string): Promise<string | null> {
  return open({
    directory: false,
    multiple: false,
    title,
    filters: [{ name: "Form export (CSV)", extensions: ["csv"] }],
  });
}

export async function pickForm(title: string): Promise<string | null> {
  return open({
    directory: false,
    multiple: false,
    title,
    filters: [
      { name: "Form export (CSV or spreadsheet)", extensions: ["csv", "tsv", "txt", "xlsx", "xls", "ods"] },
    ],
  });
}

export async function pickReplies(title: string): Promise<string[]> {
  return (
    (await open({
      directory: false,
      multiple: true,
      title,
      filters: [{ name: "Replies (e-mail, mailbox, CSV)", extensions: ["eml", "mbox", "csv"] }],
    })) ?? []
  );
}

/** Mail files (saved messages and mailbox archives) go to the replies import, not the
 * media import. */
export function isMail(path: string): boolean {
  return /\.(eml|mbox)$/i.test(path);
}

/** Calls `onHover` while files are dragged over the window and `onDrop` with their paths. */
export async function onFileDrop(
  onHover: (over: boolean) => void,
  onDrop: (paths: string[]) => void,
): Promise<() => void> {
  return getCurrentWebview().onDragDropEvent((event) => {
    const p = event.payload;
    if (p.type === "enter" || p.type === "over") onHover(true);
    else if (p.type === "leave") onHover(false);
    else if (p.type === "drop") {
      onHover(false);
      if (p.paths.length) onDrop(p.paths);
    }
  });
}
