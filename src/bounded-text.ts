/**
 * Texts cut to a bound, for error messages that quote what they complain about: a long text
 * cut and its rest counted, a value shown as short JSON, a list of problems naming the first
 * few and counting the others. No error grows with the input it describes.
 */

/** How many offending keys an error names before it only counts the rest. */
export const NAMED_PROBLEMS = 5;

/** `text` cut to `max` characters, saying how much was left out. */
export function boundedText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** A short JSON rendering of a value that passed payloadShapeProblem, for an error message. */
export function preview(value: unknown, max = 60): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/** `items` joined with '; ', the first NAMED_PROBLEMS of them named and the rest counted. */
export function listedProblems(items: readonly string[]): string {
  const named = items.slice(0, NAMED_PROBLEMS).join('; ');
  return items.length > NAMED_PROBLEMS ? `${named}; and ${items.length - NAMED_PROBLEMS} more (${items.length} problems in all)` : named;
}
