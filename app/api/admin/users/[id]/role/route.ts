// PUT /api/admin/users/:id/role {role} — promote or demote a user (admins only).

import { z } from "zod";
import { getDb } from "@/db";
import { USER_ROLES } from "@/db/schema";
import { setUserRole } from "@/lib/auth/users";
import { readJson } from "@/lib/http/request";
import { route } from "@/lib/http/route";

const bodySchema = z.object({ role: z.enum(USER_ROLES) });

export const PUT = route<"admin", { id: string }>("admin", async ({ request, caller, params }) => {
  const { role } = await readJson(request, bodySchema);
  const user = await setUserRole(await getDb(), { userId: params.id, role, actor: caller.user });
  return Response.json({ user });
});
