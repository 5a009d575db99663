/** Small building blocks the dashboard pages share, so every form and card looks and behaves alike. */
import type { InputHTMLAttributes, ReactNode } from "react";

export function Card({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  const id = `card-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <section
      aria-labelledby={id}
      // min-w-0: a wide child (a list preview, a table) scrolls inside the card, never widens the page
      className="min-w-0 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6 dark:border-slate-800 dark:bg-slate-900"
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

/**
 * A labelled text input with its error beneath it (`{id}-error`, announced, and named by the
 * input's aria-describedby). `compact` is the small label of an input inside a table row.
 */
export function TextField({
  id,
  label,
  error,
  compact = false,
  className,
  inputClassName = compact ? compactInputClass : inputClass,
  ...input
}: {
  id: string;
  name: string;
  label: ReactNode;
  error?: string;
  compact?: boolean;
  /** Classes of the wrapper. */
  className?: string;
  inputClassName?: string;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "className">) {
  const errorId = `${id}-error`;
  return (
    <div className={className}>
      <label
        htmlFor={id}
        className={compact ? "block text-xs text-slate-600 dark:text-slate-400" : "block text-sm font-medium"}
      >
        {label}
      </label>
      <input
        id={id}
        className={inputClassName}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? errorId : undefined}
        {...input}
      />
      <FieldError id={errorId} message={error} />
    </div>
  );
}

/** A form's fixed values (its `intent`, the row it acts on) as hidden inputs. */
export function HiddenFields({ fields }: { fields: Record<string, string | number> }) {
  return (
    <>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
    </>
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

/** 850 ms, 12.4 s, 3 min 5 s. */
export function formatDuration(milliseconds: number | null | undefined): string {
  if (milliseconds === null || milliseconds === undefined) return "—";
  if (milliseconds < 1000) return `${milliseconds} ms`;
  if (milliseconds < 60_000) return `${(milliseconds / 1000).toFixed(1)} s`;
  return `${Math.floor(milliseconds / 60_000)} min ${Math.round((milliseconds % 60_000) / 1000)} s`;
}

/** A time of day in UTC, to the second: when a rate-limit window resets. */
export function formatTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(11, 19)} UTC`;
}

export function formatDate(iso: string | null | undefined): string {
  return iso ? `${new Date(iso).toISOString().replace("T", " ").slice(0, 16)} UTC` : "—";
}

export interface Column<Row> {
  /** The column's name: its heading, and on phones the label leading each of its cells. */
  header: string;
  cell: (row: Row) => ReactNode;
  /** Extra classes for this column's cells (e.g. `font-mono`). */
  className?: string;
  /** The heading is for screen readers only, and phones show the cell without a label (a row's actions). */
  bare?: boolean;
}

// Below `sm` (390 px phones) a row is a block and each cell a line led by its column's name.
const STACKED_CELL =
  "max-sm:flex max-sm:min-w-0 max-sm:gap-3 max-sm:py-1 max-sm:pr-0 [&>*]:min-w-0 max-sm:[overflow-wrap:anywhere]";
const STACKED_LABEL =
  "max-sm:before:w-28 max-sm:before:shrink-0 max-sm:before:font-medium max-sm:before:text-slate-600 max-sm:before:content-[attr(data-label)] dark:max-sm:before:text-slate-400";

/**
 * The dashboard's tables (keys, jobs, users): one look; on phones each row becomes a block of
 * labelled lines, so no page scrolls sideways. `rowProps` adds a row's data attributes or classes.
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
  /** Extra classes for the wrapper (e.g. a top margin). */
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
      <table className="w-full text-left text-sm max-sm:block" data-testid={testId}>
        <thead className="max-sm:hidden">
          <tr className="border-b border-slate-200 dark:border-slate-800">
            {columns.map((column) => (
              <th key={column.header} className={cellClass(0)}>
                {column.bare ? <span className="sr-only">{column.header}</span> : column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="max-sm:block">
          {rows.map((row) => {
            const { className, ...data } = rowProps?.(row) ?? {};
            return (
              <tr
                key={rowKey(row)}
                className={[
                  "border-b border-slate-100 align-top max-sm:block max-sm:py-3 dark:border-slate-800",
                  className,
                ]
                  .filter(Boolean)
                  .join(" ")}
                {...data}
              >
                {columns.map((column, index) => (
                  <td
                    key={column.header}
                    data-label={column.header}
                    className={cellClass(
                      index,
                      [STACKED_CELL, column.bare ? "" : STACKED_LABEL, column.className].join(" "),
                    )}
                  >
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

/** An email address that wraps only after its `@` and dots, never in the middle of a word. */
export function BreakableEmail({ email }: { email: string }) {
  const parts = email.split(/(?<=[@.])/);
  return (
    <span className="break-words">
      {parts.map((part, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string
        <span key={index}>
          {index > 0 && <wbr />}
          {part}
        </span>
      ))}
    </span>
  );
}
