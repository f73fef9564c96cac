"use server";

import { signOut } from "@/lib/auth/auth";
import { formAction } from "@/lib/http/action";

export const signOutAction = formAction({ access: "public" }, async () => {
  await signOut({ redirectTo: "/" });
});
