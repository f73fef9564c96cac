"use server";

import { revalidatePath } from "next/cache";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { AuthError } from "next-auth";
import { z } from "zod";
import { getDb } from "@/db";
import { signIn } from "@/lib/auth/auth";
import { resendVerificationEmail } from "@/lib/auth/send-verification-email";
import { signInPath } from "@/lib/auth/session";
import { setPassword } from "@/lib/auth/set-password";
import { env } from "@/lib/env";
import { action } from "@/lib/http/action";
import {
  CURRENT_WORKSPACE_COOKIE,
  slugFromName,
  slugSchema,
  workspaceNameSchema,
} from "@/lib/workspaces/slug";
import { createWorkspace } from "@/lib/workspaces/workspaces";

const PAGE = "/account";

/** Mails a new verification link to the signed-in user's address. */
export const resendVerificationAction = action(
  { access: "user", returnTo: PAGE },
  async (_input, { user }) => {
    const sent = await resendVerificationEmail(await getDb(), user.id);
    return sent
      ? { status: "success", message: `We sent a new link to ${user.email}.` }
      : { status: "success", message: "Your email address is verified already." };
  },
);

/** The form's fields; `setPassword` checks them. */
const passwordForm = z.object({ currentPassword: z.string(), newPassword: z.string() });

/**
 * Sets a first password, or changes it given the current one (a wrong one is answered beside its
 * field). A change ends every other session; this one is signed in again with the new password,
 * so that its token carries the new session version (read with the new hash, as at any password
 * sign-in), and the browser is sent to a fresh page: the page this request would render still
 * reads the old cookie.
 */
export const setPasswordAction = action(
  {
    access: "user",
    returnTo: PAGE,
    schema: passwordForm,
    errorFields: { validation_failed: "currentPassword" },
  },
  async ({ currentPassword, newPassword }, { user, sessionVersion }) => {
    const saved = await setPassword(
      await getDb(),
      { userId: user.id, sessionVersion },
      { currentPassword: currentPassword || undefined, newPassword },
    );
    if (saved.sessionVersion !== sessionVersion) {
      const signedIn = user.email !== null && (await signInAgain(user.email, newPassword));
      redirect(signedIn ? `${PAGE}?password=changed` : signInPath(PAGE));
    }
    revalidatePath(PAGE);
    return { status: "success", message: "Your password is saved." };
  },
);

/** The form's fields; an empty address is made from the name (`createWorkspace`). */
const workspaceForm = z.object({
  name: workspaceNameSchema,
  slug: z.union([z.literal(""), slugSchema]),
});

/**
 * Creates a team workspace owned by the person, then opens its billing page. A taken or
 * reserved address is answered beside the address field, as is a name that leaves no address
 * to propose.
 */
export const createWorkspaceAction = action(
  {
    access: "user",
    returnTo: PAGE,
    schema: workspaceForm,
    errorFields: { conflict: "slug", validation_failed: "slug" },
    keep: ["name", "slug"],
  },
  async ({ name, slug }, { user }) => {
    const proposed = slug === "" ? slugFromName(name) : slug;
    if (proposed === "") {
      return {
        status: "error",
        fieldErrors: { slug: "Choose an address: the name has no letters or digits to make one" },
        values: { name, slug },
      };
    }
    const workspace = await createWorkspace(await getDb(), {
      userId: user.id,
      name,
      slug: proposed,
    });
    // The new workspace is the one in use now (the redirect's page renders in this response,
    // which proxy.ts does not see), and the header's switcher (in the root layout) lists it.
    (await cookies()).set(CURRENT_WORKSPACE_COOKIE, workspace.slug, {
      path: "/",
      httpOnly: true,
      sameSite: "lax",
      secure: env().FRONTEND_URL.startsWith("https://"),
      maxAge: 60 * 60 * 24 * 365,
    });
    revalidatePath("/", "layout");
    redirect(`/w/${workspace.slug}/billing`);
  },
);

/** Sets this response's session cookie by a new password sign-in; false when refused. */
async function signInAgain(email: string, password: string): Promise<boolean> {
  try {
    await signIn("credentials", { email, password, redirect: false });
    return true;
  } catch (error) {
    // The sign-in lockout, or a proof of the address that cleared the password meanwhile.
    if (error instanceof AuthError) return false;
    throw error;
  }
}
