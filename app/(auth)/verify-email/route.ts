// GET /verify-email?token=… — the link mailed at sign-up. Signed in as the account it was sent
// to, it verifies the address (the prover knows the password and reads the mail) and goes to
// the account page. Anyone else is sent to sign in first and comes back here: a link opened
// without the account's session proves nothing about who set the password, so it changes
// nothing (the owner of an address someone else signed up with uses a sign-in link instead,
// which clears that password). A mail scanner fetching the link therefore has no effect.
import { getDb } from "@/db";
import { verifyEmailWithToken } from "@/lib/auth/email-verification";
import { sessionCallerFromRequest } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { seeOther } from "@/lib/http/see-other";

export async function GET(request: Request): Promise<Response> {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const user = await sessionCallerFromRequest(request).then(
    (caller) => caller.user,
    (error: unknown) => {
      if (error instanceof AppError && error.code === "unauthorized") return null;
      throw error;
    },
  );
  if (!user) {
    const back = `/verify-email?${new URLSearchParams({ token })}`;
    return seeOther(
      `/sign-in?${new URLSearchParams({ callbackUrl: back, notice: "verify-email" })}`,
    );
  }
  const proof = await verifyEmailWithToken(
    await getDb(),
    { userId: user.id, token },
    env().ADMIN_EMAILS,
  );
  return seeOther(proof ? "/account?email=verified" : "/account?email=link-invalid");
}
