/**
 * One box per pasted or uploaded list. Every button is a submit button of the playground form, so
 * adding and removing work without JavaScript (the page action answers) and with it (the form's
 * submit handler edits the sources in place).
 */
import { FieldError, inputClass, secondaryButton } from "../ui";
import { type FieldErrors, MAX_PASTED_SOURCES, type PastedSource, SOURCE_TYPES, sourceField } from "./input";

export function SourceBoxes(props: {
  sources: PastedSource[];
  errors: FieldErrors;
  onChange: (index: number, change: Partial<PastedSource>) => void;
}) {
  const { sources, errors, onChange } = props;
  return (
    <fieldset className="space-y-4" aria-describedby={errors.sources ? "sources-error" : undefined}>
      <legend className="text-sm font-medium">Sources: paste a list or choose a file</legend>
      {sources.length === 0 && (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No pasted lists: the configuration’s own source URLs are compiled.
        </p>
      )}
      {sources.map((source, index) => {
        const textError = errors[sourceField(index, "text")];
        const label = `source ${index + 1}`;
        return (
          <div
            // the boxes have no identity beyond their position; removing one re-renders those after it
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            key={index}
            className="space-y-2 rounded-lg border border-slate-200 p-3 dark:border-slate-800"
            data-testid="source-box"
          >
            <div className="flex flex-wrap items-end gap-2">
              <div className="min-w-0 grow">
                <label htmlFor={sourceField(index, "name")} className="block text-xs font-medium">
                  Name of {label}
                </label>
                <input
                  id={sourceField(index, "name")}
                  name={sourceField(index, "name")}
                  value={source.name}
                  placeholder={`Pasted list ${index + 1}`}
                  maxLength={200}
                  onChange={(event) => onChange(index, { name: event.target.value })}
                  className={inputClass}
                />
              </div>
              <div>
                <label htmlFor={sourceField(index, "type")} className="block text-xs font-medium">
                  Syntax of {label}
                </label>
                <select
                  id={sourceField(index, "type")}
                  name={sourceField(index, "type")}
                  value={source.type}
                  onChange={(event) => onChange(index, { type: event.target.value as PastedSource["type"] })}
                  className={inputClass}
                >
                  {SOURCE_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {type}
                    </option>
                  ))}
                </select>
              </div>
              <button type="submit" name="intent" value={`remove-source-${index}`} className={secondaryButton}>
                Remove<span className="sr-only"> {label}</span>
              </button>
            </div>
            <label htmlFor={sourceField(index, "text")} className="block text-xs font-medium">
              Text of {label}
            </label>
            <textarea
              id={sourceField(index, "text")}
              name={sourceField(index, "text")}
              rows={6}
              spellCheck={false}
              value={source.text}
              onChange={(event) => onChange(index, { text: event.target.value })}
              className={`${inputClass} font-mono text-xs`}
              aria-invalid={Boolean(textError)}
              aria-describedby={textError ? `${sourceField(index, "text")}-error` : undefined}
            />
            <FieldError id={`${sourceField(index, "text")}-error`} message={textError} />
            <label htmlFor={sourceField(index, "file")} className="block text-xs font-medium">
              Or upload a file for {label}
            </label>
            <input
              id={sourceField(index, "file")}
              name={sourceField(index, "file")}
              type="file"
              accept=".txt,.list,.hosts,text/plain"
              className="block w-full max-w-full text-sm"
              onChange={async (event) => {
                const file = event.target.files?.[0];
                if (!file) return;
                // Read into the box, so the user sees what is compiled and the form does not send it twice.
                const text = await file.text();
                event.target.value = "";
                onChange(index, { text, ...(source.name ? {} : { name: file.name }) });
              }}
            />
          </div>
        );
      })}
      <FieldError id="sources-error" message={errors.sources} />
      {sources.length < MAX_PASTED_SOURCES && (
        <button type="submit" name="intent" value="add-source" className={secondaryButton}>
          Add a source
        </button>
      )}
    </fieldset>
  );
}
