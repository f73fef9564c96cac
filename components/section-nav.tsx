import Link from "next/link";

/** The row of links at the top of an area (account, admin), wrapping on a narrow screen. */
export function SectionNav({
  label,
  links,
}: {
  label: string;
  links: readonly { href: string; label: string }[];
}) {
  return (
    <nav
      aria-label={label}
      className="mb-8 flex flex-wrap gap-2 border-b border-slate-200 pb-3 text-sm"
    >
      {links.map((link) => (
        <Link
          key={link.href}
          href={link.href}
          className="rounded-md px-3 py-2 font-medium text-slate-700 hover:bg-slate-100"
        >
          {link.label}
        </Link>
      ))}
    </nav>
  );
}
