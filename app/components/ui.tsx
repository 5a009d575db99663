/** Small building blocks the dashboard pages share, so every form and card looks and behaves alike. */
import type { ReactNode } from "react";

export function Card({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  const id = `card-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <section
      aria-labelledby={id}
      className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id={id} className="text-lg font-semibold">
          {title}
        </h2>
        {actions}
      </div>
      <div className="mt-4">{children}</div>
    </section>
  );
}

export function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={id} role="alert" className="mt-1 text-sm text-red-700 dark:text-red-400">
      {message}
    </p>
  );
}

export const inputClass =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-slate-900 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100";

/** For inputs inside table rows: sized by content, not stretched to the cell. */
export const compactInputClass =
  "rounded-md border border-slate-300 bg-white px-2 py-1 text-slate-900 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100";

export const primaryButton =
  "rounded-md bg-brand-700 px-4 py-2 font-semibold text-white hover:bg-brand-600 focus:outline-none focus:ring-2 focus:ring-brand-500 focus:ring-offset-2 disabled:opacity-60 dark:focus:ring-offset-slate-900";

export const secondaryButton =
  "rounded-md border border-slate-300 px-3 py-1.5 font-medium hover:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500 dark:border-slate-700";

export const dangerButton =
  "rounded-md bg-red-700 px-3 py-1.5 font-semibold text-white hover:bg-red-600 focus:outline-none focus:ring-2 focus:ring-red-500";

const STATUS_STYLES: Record<string, string> = {
  queued: "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100",
  running: "bg-amber-200 text-amber-900 dark:bg-amber-800 dark:text-amber-50",
  succeeded: "bg-emerald-200 text-emerald-900 dark:bg-emerald-800 dark:text-emerald-50",
  failed: "bg-red-200 text-red-900 dark:bg-red-800 dark:text-red-50",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span
      data-testid="job-status"
      className={`inline-block rounded-full px-2.5 py-0.5 text-xs font-semibold ${STATUS_STYLES[status] ?? ""}`}
    >
      {status}
    </span>
  );
}

export function formatDate(iso: string | null | undefined): string {
  return iso ? `${new Date(iso).toISOString().replace("T", " ").slice(0, 16)} UTC` : "—";
}

export interface Column<Row> {
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  /** Extra classes for this column's cells (e.g. `font-mono`). */
  className?: string;
}

/**
 * The dashboard's tables (keys, jobs, users): one look, horizontally scrollable on narrow screens;
 * `rowProps` adds a row's data attributes or classes.
 */
export function DataTable<Row>({
  testId,
  columns,
  rows,
  rowKey,
  rowProps,
  className,
}: {
  testId: string;
  /** Extra classes for the scrolling wrapper (e.g. a top margin). */
  className?: string;
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row) => string;
  rowProps?: (row: Row) => { className?: string } & Record<`data-${string}`, string>;
}) {
  const cellClass = (index: number, extra?: string) =>
    [index < columns.length - 1 ? "py-2 pr-4" : "py-2", extra].filter(Boolean).join(" ");
  return (
    <div className={["overflow-x-auto", className].filter(Boolean).join(" ")}>
      <table className="w-full text-left text-sm" data-testid={testId}>
        <thead>
          <tr className="border-b border-slate-200 dark:border-slate-800">
            {columns.map((column, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed per table
              <th key={index} className={cellClass(index)}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const { className, ...data } = rowProps?.(row) ?? {};
            return (
              <tr
                key={rowKey(row)}
                className={["border-b border-slate-100 dark:border-slate-800", className].filter(Boolean).join(" ")}
                {...data}
              >
                {columns.map((column, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed per table
                  <td key={index} className={cellClass(index, column.className)}>
                    {column.cell(row)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** A labelled `<select>` of plain options (the label visually hidden when the row says enough). */
export function SelectField({
  id,
  name,
  label,
  options,
  defaultValue,
  hideLabel = false,
  className = inputClass,
}: {
  id: string;
  name: string;
  label: ReactNode;
  options: readonly (string | { value: string; label: string })[];
  defaultValue?: string;
  hideLabel?: boolean;
  className?: string;
}) {
  return (
    <>
      <label htmlFor={id} className={hideLabel ? "sr-only" : "block text-sm font-medium"}>
        {label}
      </label>
      <select id={id} name={name} defaultValue={defaultValue} className={className}>
        {options.map((option) => {
          const { value, label: text } = typeof option === "string" ? { value: option, label: option } : option;
          return (
            <option key={value} value={value}>
              {text}
            </option>
          );
        })}
      </select>
    </>
  );
}
