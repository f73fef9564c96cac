// GET /verify-email?token=…&next=… — the link mailed at sign-up. Signed in as the account it was
// sent to, it verifies the address (the prover knows the password and reads the mail) and goes
// to `next` (a path on this site: where the person was going when they signed up, such as an
// invitation), else to the account page. Anyone else is sent to sign in first and comes back here: a link opened
// without the account's session proves nothing about who set the password, so it changes
// nothing (the owner of an address someone else signed up with uses a sign-in link instead,
// which clears that password). A mail scanner fetching the link therefore has no effect.
import { getDb } from "@/db";
import { verifyEmailWithToken } from "@/lib/auth/email-verification";
import { safeReturnPath } from "@/lib/auth/return-path";
import { sessionCallerFromRequest } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { seeOther } from "@/lib/http/see-other";

export async function GET(request: Request): Promise<Response> {
  const query = new URL(request.url).searchParams;
  const token = query.get("token") ?? "";
  const next = query.get("next");
  const user = await sessionCallerFromRequest(request).then(
    (caller) => caller.user,
    (error: unknown) => {
      if (error instanceof AppError && error.code === "unauthorized") return null;
      throw error;
    },
  );
  if (!user) {
    const back = `/verify-email?${new URLSearchParams({ token, ...(next ? { next } : {}) })}`;
    return seeOther(
      `/sign-in?${new URLSearchParams({ callbackUrl: back, notice: "verify-email" })}`,
    );
  }
  const proof = await verifyEmailWithToken(
    await getDb(),
    { userId: user.id, token },
    env().ADMIN_EMAILS,
  );
  if (!proof) return seeOther("/account?email=link-invalid");
  return seeOther(
    next
      ? safeReturnPath(next, env().FRONTEND_URL, "/account?email=verified")
      : "/account?email=verified",
  );
}
