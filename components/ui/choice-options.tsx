/**
 * The options of a filter select: "all" first, then the current value even when the latest
 * choices no longer hold it (so a filter never silently shows another value), then the choices.
 */
export function ChoiceOptions({ allLabel, value, choices }: { allLabel: string; value: string | undefined; choices: readonly string[] }) {
  return (
    <>
      <option value="">{allLabel}</option>
      {value && !choices.includes(value) ? <option value={value}>{value}</option> : null}
      {choices.map((c) => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </>
  );
}
