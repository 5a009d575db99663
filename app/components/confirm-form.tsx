import { Form, Link } from "@remix-run/react";
import { type ReactNode, useEffect, useRef } from "react";
import { dangerButton, HiddenFields, secondaryButton } from "./ui";

/**
 * The inline "are you sure?" of a change that is hard to undo: the question, a button that posts
 * `fields`, and Cancel back to `cancelTo`. It works without JavaScript (the page shows it by a
 * search parameter or an action's answer); with it, focus moves to the question when it appears.
 * `panel` sets it apart as a box on its own line (a page-wide question rather than a row's).
 */
export function ConfirmForm({
  fields,
  question,
  confirm,
  cancelTo,
  action,
  id,
  testId,
  panel = false,
}: {
  fields: Record<string, string | number>;
  question: ReactNode;
  /** The button's words: "Yes, revoke". */
  confirm: string;
  cancelTo: string;
  action?: string;
  id?: string;
  testId?: string;
  panel?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), []);
  return (
    <div
      ref={box}
      id={id}
      tabIndex={-1}
      data-testid={testId}
      className={
        panel
          ? "rounded-md border-2 border-amber-500 bg-amber-50 p-4 text-amber-950 focus:outline-none focus:ring-2 focus:ring-amber-500 dark:bg-amber-950 dark:text-amber-50"
          : "rounded-md focus:outline-none focus:ring-2 focus:ring-red-500"
      }
    >
      <Form method="post" action={action} className="flex flex-wrap items-center gap-2">
        <HiddenFields fields={fields} />
        {panel ? <p className="w-full font-medium">{question}</p> : <span>{question}</span>}
        <button type="submit" className={dangerButton}>
          {confirm}
        </button>
        <Link to={cancelTo} className={secondaryButton}>
          Cancel
        </Link>
      </Form>
    </div>
  );
}
