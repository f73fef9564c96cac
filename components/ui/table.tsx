import type { ReactNode } from "react";

/**
 * The app's data table: bordered, scrolling sideways on narrow screens, with a caption for
 * screen readers, column headers with `scope="col"` and a row header per row. Numbers go in
 * `NumericCell`, right-aligned with tabular digits so a column lines up.
 */

/** A column: its header text, right-aligned over numbers, or read by screen readers only. */
export type Column = string | { label: string; numeric?: boolean; hidden?: boolean };

/** The table, its column heads and its body; `children` are its rows. */
export function Table({
  caption,
  columns,
  minWidth = "",
  alignTop = false,
  testId,
  children,
}: {
  /** Read by screen readers only: what the table lists, and in which order. */
  caption: ReactNode;
  columns: readonly Column[];
  /** A `min-w-[…]` class below which the table scrolls instead of squeezing its columns. */
  minWidth?: string;
  /** Top-align the cells, for rows whose cells differ in height. */
  alignTop?: boolean;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <div className="relative overflow-x-auto rounded-xl border border-slate-200">
      <table className={`w-full text-left text-sm ${minWidth}`} data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-slate-700">
          <tr>
            {columns.map((column) => {
              const {
                label,
                numeric = false,
                hidden = false,
              } = typeof column === "string" ? { label: column } : column;
              return (
                <th
                  key={label}
                  scope="col"
                  className={`px-4 py-2 font-medium ${numeric ? "text-right" : ""}`}
                >
                  {hidden ? <span className="sr-only">{label}</span> : label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody className={`divide-y divide-slate-100 ${alignTop ? "align-top" : ""}`}>
          {children}
        </tbody>
      </table>
    </div>
  );
}

export function Row({ children, testId }: { children: ReactNode; testId?: string }) {
  return <tr data-testid={testId}>{children}</tr>;
}

/** The cell that names its row (`scope="row"`): bold by default, `plain` when it holds more. */
export function RowHeader({
  children,
  plain = false,
  className = "",
}: {
  children: ReactNode;
  plain?: boolean;
  className?: string;
}) {
  const weight = plain ? "font-normal" : "font-medium text-slate-900";
  return (
    <th scope="row" className={`px-4 py-2 ${weight} ${className}`}>
      {children}
    </th>
  );
}

export function Cell({ children, className = "" }: { children?: ReactNode; className?: string }) {
  return <td className={`px-4 py-2 ${className}`}>{children}</td>;
}

/** A number or an amount: right-aligned, tabular digits, never wrapped. */
export function NumericCell({ children }: { children: ReactNode }) {
  return <td className="px-4 py-2 text-right whitespace-nowrap tabular-nums">{children}</td>;
}

/** What a list shows instead of an empty table: says why it is empty, and what to do if any. */
export function EmptyState({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div
      className="rounded-xl border border-dashed border-slate-300 px-6 py-8 text-center text-sm text-slate-600"
      data-testid={testId}
    >
      {children}
    </div>
  );
}
