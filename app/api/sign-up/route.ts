// POST /api/sign-up — create an email + password account (the sign-up page's JSON twin); it
// is unverified, and a verification link is mailed to it.

import { z } from "zod";
import { getDb } from "@/db";
import { signUp } from "@/lib/auth/sign-up";
import { clientNetwork } from "@/lib/http/client-ip";
import { readJson } from "@/lib/http/request";
import { route } from "@/lib/http/route";

export const POST = route("public", async ({ request }) => {
  const db = await getDb();
  const body = await readJson(request, z.unknown(), 16 * 1024);
  const user = await signUp(db, body, { ip: clientNetwork(request.headers) });
  return Response.json(
    { user: { id: user.id, email: user.email, name: user.name } },
    { status: 201 },
  );
});
