import Link from "next/link";
import type { AnchorHTMLAttributes, ButtonHTMLAttributes, ComponentProps } from "react";

const VARIANTS = {
  primary: "bg-brand-600 text-white hover:bg-brand-700 disabled:bg-brand-600/60",
  secondary:
    "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 disabled:text-slate-400",
  danger: "border border-red-300 bg-white text-red-700 hover:bg-red-50 disabled:text-red-300",
  /** The way out of a confirmation ("Keep my plan"): no frame until hovered. */
  quiet: "text-slate-700 hover:bg-slate-100",
} as const;

const SIZES = { md: "px-4 py-2", lg: "px-5 py-2.5" } as const;

export type ButtonVariant = keyof typeof VARIANTS;

export interface ButtonStyle {
  variant?: ButtonVariant;
  size?: keyof typeof SIZES;
  /** Layout only (margins, width); colours and padding come from the variant and size. */
  className?: string;
}

/** The classes of a button of this variant and size, for elements that must render their own. */
export function buttonClass({ variant = "primary", size = "md", className = "" }: ButtonStyle) {
  return `inline-flex items-center justify-center rounded-lg text-sm font-semibold ${SIZES[size]} ${VARIANTS[variant]} ${className}`.trim();
}

/** A button (type "button" unless told otherwise) in one of the app's variants. */
export function Button({
  variant,
  size,
  className,
  type = "button",
  ...props
}: ButtonStyle & ButtonHTMLAttributes<HTMLButtonElement>) {
  return <button type={type} className={buttonClass({ variant, size, className })} {...props} />;
}

/**
 * A plain link that looks like a button, for a target that is no page of the app (a route
 * handler that redirects elsewhere, such as to Stripe Checkout): the browser loads it, where the
 * client router would fetch it as a page and be refused by the content security policy.
 */
export function AnchorButton({
  variant,
  size,
  className,
  ...props
}: ButtonStyle & AnchorHTMLAttributes<HTMLAnchorElement>) {
  return <a className={buttonClass({ variant, size, className })} {...props} />;
}

/** A link that looks like a button: for navigation, never for an action with an effect. */
export function LinkButton({
  variant,
  size,
  className,
  ...props
}: ButtonStyle & ComponentProps<typeof Link>) {
  return <Link className={buttonClass({ variant, size, className })} {...props} />;
}
