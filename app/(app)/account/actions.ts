"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { resendVerificationEmail } from "@/lib/auth/send-verification-email";
import { setPassword } from "@/lib/auth/set-password";
import { action } from "@/lib/http/action";

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
 * Sets a first password, or changes it given the current one. A wrong current password is
 * answered beside its field.
 */
export const setPasswordAction = action(
  {
    access: "user",
    returnTo: PAGE,
    schema: passwordForm,
    errorFields: { validation_failed: "currentPassword" },
  },
  async ({ currentPassword, newPassword }, { user }) => {
    await setPassword(await getDb(), user.id, {
      currentPassword: currentPassword || undefined,
      newPassword,
    });
    revalidatePath(PAGE);
    return { status: "success", message: "Your password is saved." };
  },
);
