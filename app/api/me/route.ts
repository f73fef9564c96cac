// GET /api/me — who the caller is, by session or API key.
import { route } from "@/lib/http/route";

export const GET = route("user-or-key", async ({ caller }) => {
  const { id, email, name, role } = caller.user;
  return Response.json({ user: { id, email, name, role }, authenticatedWith: caller.via });
});
