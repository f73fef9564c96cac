import { NEEDS, type WorkspaceNeed } from "@/lib/workspaces/access";

/** A workspace's areas, in the order its navigation lists them, with what each needs. */
export const WORKSPACE_SECTIONS: readonly { path: string; label: string; need: WorkspaceNeed }[] = [
  { path: "billing", label: "Billing", need: NEEDS.billing },
  { path: "invoices", label: "Invoices", need: NEEDS.invoices },
  { path: "usage", label: "Usage", need: NEEDS.use },
  { path: "api-keys", label: "API keys", need: NEEDS.apiKeys },
  { path: "members", label: "Members", need: NEEDS.use },
  { path: "settings", label: "Settings", need: NEEDS.use },
];
