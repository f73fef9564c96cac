"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { type KeyboardEvent, useRef } from "react";
import type { WorkspaceRole } from "@/db/schema";
import { ROLE_LABELS } from "@/lib/workspaces/roles";
import { workspaceHome } from "./workspace-links";

/** A workspace as the switcher lists it. */
export interface SwitcherWorkspace {
  slug: string;
  name: string;
  role: WorkspaceRole;
  personal: boolean;
}

const WORKSPACE_PATH = /^\/w\/([^/]+)/;

/**
 * The header's workspace menu: a disclosure (<details>), so it opens with Enter or Space and
 * works without JavaScript; Escape closes it. The workspace marked current is the one the
 * address names, else `currentSlug` (the remembered one).
 */
export function WorkspaceSwitcher({
  workspaces,
  currentSlug,
}: {
  workspaces: readonly SwitcherWorkspace[];
  currentSlug: string | null;
}) {
  const pathname = usePathname();
  const menu = useRef<HTMLDetailsElement>(null);
  const inPath = WORKSPACE_PATH.exec(pathname)?.[1];
  const current =
    workspaces.find((workspace) => workspace.slug === inPath) ??
    workspaces.find((workspace) => workspace.slug === currentSlug) ??
    workspaces[0];
  if (!current) return null;

  const closeOnEscape = (event: KeyboardEvent<HTMLDetailsElement>) => {
    if (event.key !== "Escape" || !menu.current?.open) return;
    menu.current.open = false;
    menu.current.querySelector("summary")?.focus();
  };

  return (
    // Keyed by the address: a navigation closes the menu.
    <details key={pathname} ref={menu} className="relative" onKeyDown={closeOnEscape}>
      <summary
        className="flex cursor-pointer list-none items-center gap-1 rounded-md px-3 py-2 text-slate-700 hover:bg-slate-100 hover:text-slate-900 [&::-webkit-details-marker]:hidden"
        data-testid="workspace-switcher"
      >
        <span className="sr-only">Workspace: </span>
        <span className="max-w-40 truncate">{current.name}</span>
        <span aria-hidden="true">▾</span>
      </summary>
      <div className="absolute right-0 z-20 mt-1 w-64 rounded-lg border border-slate-200 bg-white p-1 shadow-lg">
        <ul aria-label="Your workspaces" className="max-h-80 overflow-y-auto">
          {workspaces.map((workspace) => {
            const isCurrent = workspace.slug === current.slug;
            return (
              <li key={workspace.slug}>
                <Link
                  href={workspaceHome(workspace)}
                  prefetch={false}
                  aria-current={isCurrent ? "true" : undefined}
                  className={`flex items-center justify-between gap-2 rounded-md px-3 py-2 text-sm hover:bg-slate-100 ${isCurrent ? "font-semibold text-slate-900" : "text-slate-700"}`}
                >
                  <span className="truncate">
                    {isCurrent && <span aria-hidden="true">✓ </span>}
                    {workspace.name}
                  </span>
                  <span className="shrink-0 text-xs font-normal text-slate-500">
                    {workspace.personal ? "Personal" : ROLE_LABELS[workspace.role]}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
        <Link
          href="/account#workspaces"
          className="mt-1 block rounded-md border-t border-slate-100 px-3 py-2 text-sm text-brand-700 hover:bg-slate-100"
        >
          Create or manage workspaces
        </Link>
      </div>
    </details>
  );
}
